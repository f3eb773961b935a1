// Imported by each lane worker before node:test, so the worker can switch the test runner's async hook off
// while a file's tests run. Node 20's runner enables an async hook (init and destroy) for the whole life of a
// process: it tells which test a test() call, or an uncaught error, belongs to. With a destroy hook every
// promise the process creates gets a destroy callback registered and run later, and the exporter and simulator
// tests create promises on every request, poll and timer: measured, that hook was about half of their CPU.
// The worker keeps it on while a file is imported (its test() and describe() calls register then, and need
// it), and off while the file's tests run. An uncaught error or unhandled rejection during a test then still
// fails the lane (the runner reports it as a top-level diagnostic and the worker exits non-zero; the lane names
// the worker's files), but it is not charged to one test.
import asyncHooks, { type AsyncHook, type HookCallbacks } from 'node:async_hooks';

const createHook = asyncHooks.createHook;
let runnerHook: AsyncHook | undefined;

asyncHooks.createHook = (callbacks: HookCallbacks): AsyncHook => {
  const hook = createHook(callbacks);
  // The runner creates its hook once, in its harness; every other caller is left alone.
  if (runnerHook === undefined && new Error().stack?.includes('internal/test_runner/harness') === true) {
    runnerHook = hook;
    asyncHooks.createHook = createHook;
  }
  return hook;
};

/** The test runner's async hook, once the runner has created it (at the first test or suite). */
export const testRunnerHook = (): AsyncHook | undefined => runnerHook;
