#!/usr/bin/env bash
# Makes sure the real tools the tests use are installed: promtool and prometheus (Debian package
# `prometheus`), amtool and prometheus-alertmanager (`prometheus-alertmanager`), openssl (TLS tests).
# As root it installs what is missing; otherwise it prints the exact command and fails.
#   scripts/ensure-tools.sh            every tool (npm test)
#   scripts/ensure-tools.sh openssl    only the tools named (npm run test:unit needs no Prometheus or Alertmanager)
set -euo pipefail
declare -A package_of=(
  [promtool]=prometheus [prometheus]=prometheus
  [amtool]=prometheus-alertmanager [prometheus-alertmanager]=prometheus-alertmanager
  [openssl]=openssl
)
wanted=("$@")
[ ${#wanted[@]} -gt 0 ] || wanted=("${!package_of[@]}")
missing=()
for tool in "${wanted[@]}"; do
  [ -n "${package_of[$tool]:-}" ] || { echo "ensure-tools: unknown tool $tool (known: ${!package_of[*]})" >&2; exit 2; }
  command -v "$tool" >/dev/null 2>&1 || missing+=("${package_of[$tool]}")
done
[ ${#missing[@]} -eq 0 ] && exit 0
packages=$(printf '%s\n' "${missing[@]}" | sort -u | tr '\n' ' ')
command="apt-get update && apt-get install -y --no-install-recommends $packages"
if [ "$(id -u)" -ne 0 ]; then
  echo "The tests need Debian packages that are not installed. Run as root:" >&2
  echo "  $command" >&2
  exit 1
fi
echo "Installing test tools: $packages" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq && apt-get install -y -qq --no-install-recommends $packages >/dev/null
# The Debian packages start services where systemd runs; the tests start their own instances.
