// One gzip stream (RFC 1952) assembled from pieces compressed separately, as pigz does: each piece is a raw
// deflate segment that starts from an empty dictionary and ends with a sync flush (byte-aligned, not the
// final block), so segments can be concatenated in any combination and re-used across renders; only a
// changed piece is compressed again. The trailer's CRC-32 of the whole text is combined from the pieces'
// CRCs (zlib's crc32_combine), so the text is never read again either.
//
// A single member matters: several gzip members back to back are valid gzip, and Go (Prometheus) reads
// them, but curl and other clients stop after the first member.
import { constants, crc32, deflateRawSync } from 'node:zlib';

/** A piece of the body: its text, the CRC-32 of that text, and its compressed segment once made. */
export interface Piece {
  readonly plain: Buffer;
  readonly crc: number;
  deflated: Buffer | undefined;
}

export function pieceOf(plain: Buffer): Piece {
  return { plain, crc: crc32(plain), deflated: undefined };
}

/** The piece's raw deflate segment (made once; a few hundred µs for 64 KiB at level 1). */
export function deflatedOf(piece: Piece, level: number): Buffer {
  piece.deflated ??= piece.plain.length === 0 ? EMPTY : deflateRawSync(piece.plain, { level, finishFlush: constants.Z_SYNC_FLUSH });
  return piece.deflated;
}

const EMPTY = Buffer.alloc(0);

/** Magic, method deflate, no flags, no mtime, no extra flags, OS "unix" (as zlib writes it). */
export const GZIP_HEADER = Buffer.from([0x1f, 0x8b, 0x08, 0, 0, 0, 0, 0, 0, 0x03]);

/** The final, empty deflate block (fixed Huffman, end-of-block only), then CRC-32 and length mod 2^32, little-endian. */
export function gzipTail(crc: number, bytes: number): Buffer {
  const tail = Buffer.from([0x03, 0x00, 0, 0, 0, 0, 0, 0, 0, 0]);
  tail.writeUInt32LE(crc >>> 0, 2);
  tail.writeUInt32LE(bytes % 2 ** 32, 6);
  return tail;
}

// CRC-32 combination in GF(2) (zlib's crc32.c, multmodp and x2nmodp): the CRC of A‖B from crc(A), crc(B)
// and |B|, in a few hundred operations whatever the lengths.
const POLY = 0xedb88320;

function multModP(a: number, b: number): number {
  let m = 0x80000000;
  let p = 0;
  for (;;) {
    if ((a & m) !== 0) {
      p ^= b;
      if ((a & (m - 1)) === 0) break;
    }
    m >>>= 1;
    b = (b & 1) !== 0 ? (b >>> 1) ^ POLY : b >>> 1;
  }
  return p >>> 0;
}

/** x^(2^n) mod p(x), n = 0..31. */
const X2N: readonly number[] = (() => {
  const table: number[] = [];
  let p = 0x40000000; // x^1
  table.push(p);
  for (let n = 1; n < 32; n++) {
    p = multModP(p, p);
    table.push(p);
  }
  return table;
})();

/** x^(n·2^k) mod p(x): the operator that shifts a CRC past n·2^(k-3) bytes (k = 3 for n bytes). */
function x2nModP(n: number, k: number): number {
  let p = 0x80000000; // x^0
  while (n > 0) {
    if (n % 2 === 1) p = multModP(X2N[k & 31]!, p);
    n = Math.floor(n / 2);
    k++;
  }
  return p;
}

/** The operator that shifts a CRC past n bytes, by n: runs of a body have a few thousand lengths, each met again every render. */
const shiftByBytes = new Map<number, number>();

/** CRC-32 of A‖B. */
export function crc32Combine(crcA: number, crcB: number, bytesB: number): number {
  let shift = shiftByBytes.get(bytesB);
  if (shift === undefined) {
    if (shiftByBytes.size >= 1 << 16) shiftByBytes.clear();
    shift = x2nModP(bytesB, 3);
    shiftByBytes.set(bytesB, shift);
  }
  return (multModP(shift, crcA) ^ crcB) >>> 0;
}
