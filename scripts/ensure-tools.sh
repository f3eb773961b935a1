#!/usr/bin/env bash
# Makes sure the real tools the tests use are installed: promtool and prometheus (Debian package
# `prometheus`), amtool and prometheus-alertmanager (`prometheus-alertmanager`), openssl (TLS tests).
# As root it installs what is missing; otherwise it prints the exact command and fails.
set -euo pipefail
declare -A package_of=(
  [promtool]=prometheus [prometheus]=prometheus
  [amtool]=prometheus-alertmanager [prometheus-alertmanager]=prometheus-alertmanager
  [openssl]=openssl
)
missing=()
for tool in "${!package_of[@]}"; do
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
