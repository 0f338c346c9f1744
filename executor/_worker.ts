// Copyright 2026 the @concurrent/futures authors. MIT license.
// The entry module of every Worker of a WorkerPoolExecutor: it gives the
// runner a channel over the worker scope and reports the worker's death.
import type { FromWorker, ToWorker } from "./_protocol.ts";
import { crashMessage, startRunner } from "./_runner.ts";

interface WorkerScope {
  onmessage: ((event: MessageEvent<ToWorker>) => void) | null;
  postMessage(message: FromWorker, transfer?: Transferable[]): void;
  close(): void;
  addEventListener(
    type: "error" | "unhandledrejection",
    listener: (event: Event & { error?: unknown; reason?: unknown }) => void,
  ): void;
}

const scope = globalThis as unknown as WorkerScope;
const realClose = scope.close.bind(scope);

function crash(how: string, thrown?: unknown): void {
  scope.postMessage(crashMessage(how, thrown));
  realClose();
}

// A task that closes its worker or leaves an error uncaught kills the
// worker; saying so first lets the pool fail just that task and replace it.
scope.close = () => crash("the task called self.close()");
scope.addEventListener("error", (event) => {
  event.preventDefault();
  crash("an uncaught error", event.error);
});
scope.addEventListener("unhandledrejection", (event) => {
  event.preventDefault();
  crash("an unhandled promise rejection", event.reason);
});

startRunner({
  post: (message, transfer) => scope.postMessage(message, transfer ?? []),
  listen: (handler) => {
    scope.onmessage = (event) => handler(event.data);
  },
});
