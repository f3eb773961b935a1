// Imported into the exporter's collector thread by tests (startThreadedExporter's collectorImports):
// faults a test triggers from the main thread on a BroadcastChannel (which reaches every thread of the
// process). 'block' holds the collector thread, after saying until when on the reply channel (the reply
// reaches the main thread while this one is held), until the test releases it through the shared cell it sent
// (or `ms` has passed, should the test never do so); 'crash' throws an uncaught error.
import { BroadcastChannel, isMainThread } from 'node:worker_threads';

export const COLLECTOR_FAULTS = 'test:collector-faults';
export const COLLECTOR_FAULT_REPLIES = 'test:collector-fault-replies';
export const INJECTED_CRASH = 'injected collector thread fault';

/** A block's `release` is an Int32Array's buffer: the thread is held while its first element is 0 (releaseBlock). */
export type CollectorFault = { readonly type: 'block'; readonly ms: number; readonly release: SharedArrayBuffer } | { readonly type: 'crash' };

/** Ends a 'block' at once: a thread waiting in Atomics.wait on the cell is woken by the notify. */
export function releaseBlock(release: SharedArrayBuffer): void {
  const cell = new Int32Array(release);
  Atomics.store(cell, 0, 1);
  Atomics.notify(cell, 0);
}

if (!isMainThread) {
  const faults = new BroadcastChannel(COLLECTOR_FAULTS);
  const replies = new BroadcastChannel(COLLECTOR_FAULT_REPLIES);
  faults.unref();
  replies.unref();
  faults.onmessage = (event) => {
    const fault = (event as { readonly data: CollectorFault }).data;
    if (fault.type === 'crash') {
      setImmediate(() => {
        throw new Error(INJECTED_CRASH);
      });
      return;
    }
    const until = Date.now() + fault.ms;
    replies.postMessage({ blockedUntil: until });
    // Atomics.wait blocks this thread as a busy loop would (its event loop runs nothing meanwhile) without
    // spinning a core on a machine the test lane shares; the test's releaseBlock wakes it.
    const cell = new Int32Array(fault.release);
    for (let left = fault.ms; left > 0 && Atomics.load(cell, 0) === 0; left = until - Date.now()) Atomics.wait(cell, 0, 0, left);
  };
}
