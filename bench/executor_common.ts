// Copyright 2026 the @concurrent/futures authors. MIT license.
// Shared by bench/executor_bench.ts and bench/executor_figures.ts: the bare
// Worker baseline and the jobs.

/** An echo worker, with nothing of this package in it. */
export const ECHO_WORKER = "data:application/javascript," +
  encodeURIComponent("self.onmessage = (e) => self.postMessage(e.data);");

/** Starts `count` echo workers and waits for one round trip on each. */
export async function startEchoWorkers(count: number): Promise<Worker[]> {
  const workers = Array.from(
    { length: count },
    () => new Worker(ECHO_WORKER, { type: "module" }),
  );
  await Promise.all(workers.map((w) =>
    new Promise<void>((resolve) => {
      w.onmessage = () => resolve();
      w.postMessage(0);
    })
  ));
  return workers;
}

/**
 * Sends `total` messages round trip through `workers`, keeping `inFlight`
 * messages in flight on each, and resolves when all are back.
 */
export function roundTrips(
  workers: Worker[],
  total: number,
  inFlight: number,
): Promise<void> {
  return Promise.all(workers.map((w, index) =>
    new Promise<void>((resolve) => {
      const share = Math.floor(total / workers.length) +
        (index < total % workers.length ? 1 : 0);
      if (share === 0) return resolve();
      let sent = 0;
      let received = 0;
      w.onmessage = () => {
        received++;
        if (sent < share) w.postMessage(sent++);
        if (received === share) resolve();
      };
      while (sent < Math.min(inFlight, share)) w.postMessage(sent++);
    })
  )).then(() => {});
}

/** The trivial task: returns its argument. */
export const identity = (x: number): number => x;

/** The CPU-bound job. */
export function fib(n: number): number {
  return n < 2 ? n : fib(n - 1) + fib(n - 2);
}
