// One Kubernetes object a delivery target writes: its path under out/, the object (validated before it is
// rendered) and the lines of its header comment.

const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** Why `name` cannot name a Kubernetes object (a DNS-1123 subdomain), or undefined. The model libraries'
 * schemas do not check it; the API server would refuse the object at `kubectl apply`. */
export function objectNameProblem(name: string): string | undefined {
  if (name.length <= 253 && DNS_SUBDOMAIN.test(name)) return undefined;
  return `metadata.name "${name}" is not a DNS-1123 subdomain (lower-case letters, digits, '-' and '.', at most 253 characters)`;
}

export interface ValidatingObject {
  readonly kind: string;
  readonly metadata?: { readonly name?: string };
  validate(): void;
  toJSON(): unknown;
}

export interface TargetFile {
  readonly path: string;
  /** Where its content comes from, for the header: 'dashboards/ (a copy of out/dashboards/x.json)'. */
  readonly from: string;
  readonly model: ValidatingObject;
  readonly notes: readonly string[];
}
