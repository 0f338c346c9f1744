// Copyright 2026 the @concurrent/futures authors. MIT license.
// The worker pools that share one set of tests: each test file registers
// its cases once per pool with `forEachPool`.
import {
  ProcessPoolExecutor,
  WorkerPoolExecutor,
  type WorkerPoolExecutorOptions,
} from "../../mod.ts";
import { canShareMemory } from "../../executor/_pool/worker_transport.ts";

// Child processes are Deno's; elsewhere (the portable suite on Node, Bun
// and browsers) the shared cases run on the worker pool alone, which works
// by messages alone in a page without cross-origin isolation.
const isDeno = typeof Deno.version?.deno === "string";

/** What the shared tests use of a pool class. */
export type PoolClass = new (
  options?: Omit<WorkerPoolExecutorOptions, "permissions">,
) => WorkerPoolExecutor | ProcessPoolExecutor;

export interface PoolKind {
  /** The class name, used in test names. */
  name: string;
  Pool: PoolClass;
  /**
   * Whether workers share memory with the caller: a task shipped to a
   * worker can still be cancelled, and tasks may count in shared memory.
   */
  sharesMemory: boolean;
  /**
   * Whether a stopped task's work really stops. On Workers it does not
   * (Deno cannot interrupt a busy Worker), so an "endless" task there
   * must watch a flag the test file sets at its end.
   */
  kills: boolean;
}

export const POOLS: PoolKind[] = [
  {
    name: "WorkerPoolExecutor",
    Pool: WorkerPoolExecutor,
    sharesMemory: canShareMemory(),
    kills: false,
  },
  {
    name: "ProcessPoolExecutor",
    Pool: ProcessPoolExecutor,
    sharesMemory: false,
    kills: true,
  },
];

/** Calls `register` once per pool kind. */
export function forEachPool(register: (kind: PoolKind) => void): void {
  for (const kind of POOLS) {
    if (isDeno || kind.Pool === WorkerPoolExecutor) register(kind);
  }
}
