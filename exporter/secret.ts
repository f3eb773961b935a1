// A credential that cannot leak by accident: JSON.stringify, string interpolation and util.inspect all
// print "[REDACTED]"; only an explicit reveal() hands out the value, at the one place that sends it.
import { inspect } from 'node:util';

export class Secret {
  readonly #value: string;
  constructor(value: string) {
    this.#value = value;
  }
  reveal(): string {
    return this.#value;
  }
  toString(): string {
    return '[REDACTED]';
  }
  toJSON(): string {
    return '[REDACTED]';
  }
  [inspect.custom](): string {
    return 'Secret([REDACTED])';
  }
}
