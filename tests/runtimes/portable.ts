// Copyright 2026 the @concurrent/futures authors. MIT license.
// Which test files make the portable suite, run on Node, Bun and Chromium
// as well as Deno (tests/runtimes/run.ts), and the tests of those files
// that cannot run on a given runtime, each with the reason. A name here
// that no test has fails the run, so the list cannot rot.

/** The runtimes the portable suite runs on besides Deno. */
export type Runtime = "node" | "bun" | "chromium" | "chromium-isolated";

/** The portable test files, relative to tests/. */
export const PORTABLE_FILES: readonly string[] = [
  "errors_test.ts",
  "future_as_completed_test.ts",
  "future_shared_test.ts",
  "future_test.ts",
  "future_wait_test.ts",
  "loop_bad_input_test.ts",
  "loop_cancel_edges_test.ts",
  "loop_create_task_test.ts",
  "loop_event_loop_test.ts",
  "loop_gather_test.ts",
  "loop_locks_test.ts",
  "loop_queues_test.ts",
  "loop_run_test.ts",
  "loop_task_group_test.ts",
  "loop_task_test.ts",
  "loop_timeouts_test.ts",
  "loop_wait_test.ts",
  "undefined_failure_test.ts",
  "executor_async_pool_test.ts",
  "executor_async_pool_run_test.ts",
  "executor_map_test.ts",
  "executor_task_context_test.ts",
  "executor_pools_test.ts",
  "executor_pools_errors_test.ts",
  "executor_pools_abort_test.ts",
  "executor_pool_context_test.ts",
  "executor_pool_stop_batch_test.ts",
  "executor_snapshot_test.ts",
  "executor_lazy_transport_test.ts",
  "executor_boundary_test.ts",
  "executor_contract_test.ts",
  "executor_fifo_test.ts",
  "executor_marshal_test.ts",
  "loop_heap_test.ts",
  "loop_yield_test.ts",
  "runtimes_test.ts",
];

/**
 * Portable files that need SharedArrayBuffer to load (they coordinate with
 * their tasks through shared flags): a page without cross-origin
 * isolation has none, so the "chromium" run leaves them out.
 */
export const NEEDS_SHARED_MEMORY: readonly string[] = [
  "executor_pools_abort_test.ts",
];

/** The module fixtures the portable tests load as module tasks. */
export const PORTABLE_FIXTURES: readonly string[] = [
  "executor_tasks.ts",
  "context_tasks.ts",
  "slow_module.ts",
  "context_worker.ts",
];

const EVERYWHERE: Record<string, string> = {
  "Deno.inspect shows the state and outcome": "Deno.inspect is Deno's",
  "a failure never retrieved is reported when the task is garbage-collected":
    "starts a Deno subprocess",
  "WorkerPoolExecutor: a missing module export or a bad module fails only that task":
    "the message of a module's syntax error is the runtime's own",
  "WorkerPoolExecutor: terminateWorkers() stops a CPU loop running behind held results":
    "checks that the loop runs on, as a busy Deno Worker does after terminate(); " +
    "elsewhere terminate() stops it",
  "WorkerPoolExecutor: a task still reads the runtime's globals and imports modules":
    "the task reads Deno and imports node:path",
  "WorkerPoolExecutor: a Deno.FsFile argument fails its future with a DataCloneError naming it":
    "Deno.open is Deno's",
  "WorkerPoolExecutor: a registered error class comes back as that class, with its fields":
    "the bundle renames the task's own copy of the class (ValidationError2), " +
    "so its name no longer matches the registered one",
};
const NO_NAME_GLOBAL =
  "the test reads the worker's global name, which Node's and Bun's workers " +
  "do not have";

const NO_SHARED_MEMORY =
  "the test itself counts in a SharedArrayBuffer, which a page without " +
  "cross-origin isolation lacks";
const COPIES =
  "reads sharesMemory as 'transfers copy', true of child processes; a " +
  "Worker without shared memory still moves them";

/** Tests of the portable files that a runtime cannot run, and why. */
export const SKIP: Record<Runtime, Record<string, string>> = {
  node: {
    ...EVERYWHERE,
    "Future.from a resolved, rejected and pending promise and a value":
      "the test uses Promise.withResolvers (Node 22)",
    "Future.from a promise that settles after the future was cancelled":
      "the test uses Promise.withResolvers (Node 22)",
    "a worker that calls self.close() fails only its task":
      "a node:worker_threads Worker has no self.close()",
    "task context: a synchronous loop on a Worker stops on a shared flag":
      "starts a Web Worker, which Node does not have",
    "WorkerPoolExecutor: a thrown TypeError comes back with class, message, stack and cause":
      "Node 20's V8 names a stack frame by the class's declared name",
    'WorkerPoolExecutor: a task that reads the caller\'s "name" fails with a ReferenceError that says why':
      NO_NAME_GLOBAL,
  },
  bun: {
    ...EVERYWHERE,
    "WorkerPoolExecutor: a thrown TypeError comes back with class, message, stack and cause":
      "JavaScriptCore writes stack frames in its own format",
    "a worker that calls self.close() fails only its task":
      "a Bun Worker has no self.close() (process.exit is tested instead)",
    "WorkerPoolExecutor: in one batch, a moved result arrives and each failed one has its own error":
      "checks V8's wording of a clone error",
    "WorkerPoolExecutor: a task that moves buffers is not failed by another task's arguments":
      "checks V8's wording of a clone error",
    'WorkerPoolExecutor: a task that reads the caller\'s "name" fails with a ReferenceError that says why':
      NO_NAME_GLOBAL,
    "WorkerPoolExecutor: a captured constant fails with a ReferenceError naming it, at the task's own line":
      "JavaScriptCore reports another line of the task for the failing statement",
  },
  chromium: {
    ...EVERYWHERE,
    "WorkerPoolExecutor.run: a transfer list that cannot be sent fails its task alone, however often":
      COPIES,
    "WorkerPoolExecutor: this.transfer moves the result's buffers (copies them here)":
      COPIES,
    "task context: a synchronous loop on a Worker stops on a shared flag":
      NO_SHARED_MEMORY,
    "WorkerPoolExecutor: a CPU loop that times out behind short tasks of its batch stops on time":
      NO_SHARED_MEMORY,
    "WorkerPoolExecutor: the results before a task that may be stopped are sent before it starts":
      NO_SHARED_MEMORY,
    "WorkerPoolExecutor: a task submitted while a stopped task has its grace runs, and is not lost with that worker":
      NO_SHARED_MEMORY,
    "WorkerPoolExecutor: instances arrive with their own fields or fail; what structured clone carries arrives":
      "reads sharesMemory as 'a child process, which cannot carry a Blob'; " +
      "a Worker without shared memory carries it",
  },
  "chromium-isolated": { ...EVERYWHERE },
};
