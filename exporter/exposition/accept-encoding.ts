// Content negotiation for /metrics (RFC 9110 §12.5.3): gzip when the client's Accept-Encoding allows it
// (Prometheus sends `Accept-Encoding: gzip`), identity otherwise. `q=0` refuses a coding; `*` stands for
// any coding not named.
import type { BodyEncoding } from './exposition.ts';

export function negotiateEncoding(acceptEncoding: string | undefined): BodyEncoding {
  if (acceptEncoding === undefined) return 'identity';
  let gzip: number | undefined;
  let any: number | undefined;
  for (const item of acceptEncoding.split(',')) {
    const [coding = '', ...parameters] = item.split(';').map((part) => part.trim());
    const qParameter = parameters.find((parameter) => /^q=/i.test(parameter));
    const q = qParameter === undefined ? 1 : Number(qParameter.slice(2));
    const weight = Number.isFinite(q) ? q : 0;
    const name = coding.toLowerCase();
    if (name === 'gzip' || name === 'x-gzip') gzip = Math.max(gzip ?? 0, weight);
    else if (name === '*') any = weight;
  }
  return (gzip ?? any ?? 0) > 0 ? 'gzip' : 'identity';
}
