// Copyright 2026 the @concurrent/futures authors. MIT license.
// The entry module of every Worker of a WorkerPoolExecutor: it gives the
// runner a channel over the worker scope (a Web Worker's global scope, or
// `parentPort` in a `node:worker_threads` Worker) and reports the worker's
// death.
import type { FromWorker, ToWorker } from "../_protocol.ts";
import type { WorkerEndpoint } from "../_transport.ts";
import { crashMessage, startRunner } from "./runner.ts";

type Listener = (event: Event & { error?: unknown; reason?: unknown }) => void;

interface WorkerScope {
  onmessage: ((event: MessageEvent<ToWorker>) => void) | null;
  postMessage(message: FromWorker, transfer?: Transferable[]): void;
  close?(): void;
  addEventListener?(
    type: "error" | "unhandledrejection" | "unload",
    listener: Listener,
  ): void;
}

interface NodePort {
  on(event: "message", listener: (message: ToWorker) => void): void;
  postMessage(message: FromWorker, transfer?: Transferable[]): void;
}

interface NodeProcess {
  exit(code?: number): never;
  on(event: string, listener: (error: unknown) => void): void;
}

interface Globals {
  Deno?: { version?: { deno?: string }; exit(code?: number): never };
  process?: NodeProcess & {
    versions?: { node?: string };
    getBuiltinModule?(name: string): unknown;
  };
  Bun?: unknown;
}

const globals = globalThis as unknown as Globals;
const deno = typeof globals.Deno?.version?.deno === "string"
  ? globals.Deno
  : undefined;
// A `node:worker_threads` Worker has no Web Worker scope, only parentPort
// (Deno and Bun also say "node" in process.versions).
const nodePort = deno === undefined && globals.Bun === undefined &&
    typeof globals.process?.versions?.node === "string"
  ? await nodeParentPort()
  : undefined;

async function nodeParentPort(): Promise<NodePort | undefined> {
  const specifier = "node:worker_threads";
  const threads = (globals.process?.getBuiltinModule?.(specifier) ??
    await import(specifier)) as { parentPort?: NodePort | null };
  return threads.parentPort ?? undefined;
}

const scope = globalThis as unknown as WorkerScope;
const realClose = typeof scope.close === "function"
  ? scope.close.bind(scope)
  : undefined;
const realProcessExit = globals.process?.exit?.bind(globals.process);
let dying = false;

/** Tells the pool which task killed the worker, before it goes. */
function report(how: string, thrown?: unknown): void {
  if (dying) return;
  dying = true;
  try {
    runner.flush();
    post(crashMessage(how, thrown, runner.current()));
  } catch {
    // The pool still learns from the unload below or the worker's end.
  }
}

function crash(how: string, thrown?: unknown): void {
  report(how, thrown);
  if (realClose !== undefined) realClose();
  else if (realProcessExit !== undefined) realProcessExit(1);
}

function post(message: FromWorker, transfer?: Transferable[]): void {
  if (nodePort !== undefined) nodePort.postMessage(message, transfer ?? []);
  else scope.postMessage(message, transfer ?? []);
}

// A Worker that closes or exits vanishes without an error event on its
// Worker object (on Deno), so every way out says so first: the pool then
// fails just the task it ran and replaces it. On Deno `node:process`'s
// exit() goes through Deno.exit; elsewhere process.exit ends the worker
// (Node, Bun); the unload event catches any other way out.
if (realClose !== undefined) {
  scope.close = () => crash("the task called self.close()");
}
if (deno !== undefined) {
  const realExit = deno.exit.bind(deno);
  deno.exit = (code?: number): never => {
    report(`the task called Deno.exit(${code ?? ""})`);
    return realExit(code);
  };
} else if (realProcessExit !== undefined) {
  globals.process!.exit = (code?: number): never => {
    report(`the task called process.exit(${code ?? ""})`);
    return realProcessExit(code);
  };
}
if (nodePort !== undefined) {
  globals.process!.on("uncaughtException", (error) => {
    crash("an uncaught error", error);
  });
  globals.process!.on("unhandledRejection", (reason) => {
    crash("an unhandled promise rejection", reason);
  });
} else if (scope.addEventListener !== undefined) {
  scope.addEventListener("unload", () => report("the worker closed"));
  scope.addEventListener("error", (event) => {
    event.preventDefault();
    crash("an uncaught error", event.error);
  });
  scope.addEventListener("unhandledrejection", (event) => {
    event.preventDefault();
    crash("an unhandled promise rejection", event.reason);
  });
}

const endpoint: WorkerEndpoint = {
  post,
  listen: (handler) => {
    if (nodePort !== undefined) nodePort.on("message", handler);
    else scope.onmessage = (event) => handler(event.data);
  },
};
const runner = startRunner(endpoint);
