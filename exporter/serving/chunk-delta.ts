// Chunk lists sent as deltas: the collector thread keeps its body's chunks (pieces of text, deflate
// segment groups) as Buffers it re-uses across renders, so a chunk it sent for the last body and sends
// again is named by its id instead of being copied again. Both sides keep exactly the last list's chunks:
// the sender forgets what the last list did not hold, the receiver drops it (and its memory) at the same step.
import type { ChunkDelta } from './protocol.ts';

export class ChunkSender {
  #ids = new Map<Buffer, number>();
  #nextId = 1;

  /** The delta for `chunks`, and the buffers to transfer (copies: the sender keeps its own). */
  delta(chunks: readonly Buffer[]): { readonly delta: ChunkDelta; readonly transfer: ArrayBuffer[] } {
    const ids: number[] = [];
    const added: { id: number; bytes: ArrayBuffer }[] = [];
    const next = new Map<Buffer, number>();
    for (const chunk of chunks) {
      let id = next.get(chunk) ?? this.#ids.get(chunk);
      if (id === undefined) {
        id = this.#nextId++;
        added.push({ id, bytes: copyOf([chunk]) });
      }
      next.set(chunk, id);
      ids.push(id);
    }
    this.#ids = next;
    return { delta: { ids, added }, transfer: added.map((chunk) => chunk.bytes) };
  }
}

export class ChunkReceiver {
  #chunks = new Map<number, Buffer>();

  /** The chunks of the list the delta describes. */
  apply(delta: ChunkDelta): Buffer[] {
    const added = new Map(delta.added.map(({ id, bytes }) => [id, Buffer.from(bytes)]));
    const next = new Map<number, Buffer>();
    const chunks = delta.ids.map((id) => {
      const chunk = added.get(id) ?? this.#chunks.get(id);
      if (chunk === undefined) throw new Error(`body chunk ${id} was neither sent nor held (the two threads disagree on the last body)`);
      next.set(id, chunk);
      return chunk;
    });
    this.#chunks = next;
    return chunks;
  }
}

/** The buffers' bytes in one new ArrayBuffer (to be transferred). */
export function copyOf(buffers: readonly Buffer[]): ArrayBuffer {
  let bytes = 0;
  for (const buffer of buffers) bytes += buffer.length;
  const copy = new ArrayBuffer(bytes);
  const view = new Uint8Array(copy);
  let at = 0;
  for (const buffer of buffers) {
    view.set(buffer, at);
    at += buffer.length;
  }
  return copy;
}
