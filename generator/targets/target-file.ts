// One Kubernetes object a delivery target writes: its path under out/, the object (validated before it is
// rendered) and the lines of its header comment.

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
