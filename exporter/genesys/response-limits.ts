// How large an answer may be before the attempt is aborted (the body is streamed and counted, so a
// runaway response cannot take the process's memory). Generous next to what Genesys sends: a 100-queue
// observation batch with 100 waiting contacts per (queue, media) is ~8 MB; a 2 h aggregate window of
// 100 queues ~4 MB; a queue page ~0.5 MB.

const MB = 1024 * 1024;

export const LOGIN_MAX_RESPONSE_BYTES = 64 * 1024;
export const QUEUE_PAGE_MAX_RESPONSE_BYTES = 16 * MB;

/** Analytics answers scale with the queues in the query: 8 MB plus 512 KB per queue (58 MB for 100). */
export function analyticsMaxResponseBytes(queueCount: number): number {
  return 8 * MB + Math.max(1, queueCount) * 512 * 1024;
}
