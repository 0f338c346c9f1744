// Copyright 2026 the @concurrent/futures authors. MIT license.
import type { ExecutorStats } from "@concurrent/futures";

/** {@linkcode ExecutorStats} and the cancellations that came too late. */
export interface BullMQExecutorStats extends ExecutorStats {
  /**
   * Worker connections on the queue, from all machines, as last counted
   * (every few seconds).
   */
  workers: number;
  /**
   * Jobs whose `cancel()` or `revoke()` said `true` but that a worker
   * claimed anyway. Claims and revokes are atomic against each other in
   * Redis, so this stays 0; it is counted to prove it.
   */
  lateCancels: number;
}
