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
    type: "error" | "unhandledrejection" | "unload",
    listener: (event: Event & { error?: unknown; reason?: unknown }) => void,
  ): void;
}

const scope = globalThis as unknown as WorkerScope;
const realClose = scope.close.bind(scope);
const realExit = Deno.exit.bind(Deno);
let dying = false;

/** Tells the pool which task killed the worker, before it goes. */
function report(how: string, thrown?: unknown): void {
  if (dying) return;
  dying = true;
  try {
    runner.flush();
    scope.postMessage(crashMessage(how, thrown, runner.current()));
  } catch {
    // The pool still learns from the unload below or the worker's end.
  }
}

function crash(how: string, thrown?: unknown): void {
  report(how, thrown);
  realClose();
}

// A Worker that closes or exits vanishes without an error event on its
// Worker object, so every way out says so first: the pool then fails just
// the task it ran and replaces it. `node:process`'s exit() goes through
// Deno.exit, and the unload event catches any other way out.
scope.close = () => crash("the task called self.close()");
Deno.exit = (code?: number): never => {
  report(`the task called Deno.exit(${code ?? ""})`);
  return realExit(code);
};
scope.addEventListener("unload", () => report("the worker closed"));
scope.addEventListener("error", (event) => {
  event.preventDefault();
  crash("an uncaught error", event.error);
});
scope.addEventListener("unhandledrejection", (event) => {
  event.preventDefault();
  crash("an unhandled promise rejection", event.reason);
});

const runner = startRunner({
  post: (message, transfer) => scope.postMessage(message, transfer ?? []),
  listen: (handler) => {
    scope.onmessage = (event) => handler(event.data);
  },
});
