// Copyright 2026 the @concurrent/futures authors. MIT license.
// The entry module of every child process of a ProcessPoolExecutor: it
// runs the task runner over the channel to the pool and reports the
// child's death.
//
// The pool's process imports this module too, without running it, so that
// it and everything it imports are in the parent's module graph, hence in
// Deno's cache and lock file when the child starts (even when the package
// comes from JSR), and a child starts without waiting on the network. Nothing here runs unless it is the main module,
// and the runner is imported only then: Deno still fetches and caches a
// dynamic import written as a literal, but the parent never evaluates it.
import { connectToPool } from "./process_endpoint.ts";

async function main(): Promise<void> {
  const endpoint = connectToPool();
  const { crashMessage, startRunner } = await import("./runner.ts");
  const realExit = Deno.exit.bind(Deno);
  // Tasks run in later turns of the event loop, after the hooks below.
  const runner = startRunner(endpoint);
  let dying = false;

  /**
   * Sends the results not sent yet and the cause of death: the pool reads
   * them before it learns of the exit, and fails only the task that ran.
   */
  const report = (how: string, thrown?: unknown) => {
    if (dying) return;
    dying = true;
    try {
      runner.flush();
      endpoint.post(crashMessage(how, thrown, runner.current()));
    } catch {
      // The exit itself still tells the pool.
    }
  };

  Deno.exit = (code?: number): never => {
    report(`the task called Deno.exit(${code ?? ""})`);
    return realExit(code);
  };
  globalThis.addEventListener("error", (event) => {
    event.preventDefault();
    report("an uncaught error", event.error);
    realExit(1);
  });
  globalThis.addEventListener("unhandledrejection", (event) => {
    event.preventDefault();
    report("an unhandled promise rejection", event.reason);
    realExit(1);
  });
  // Ctrl-C in a terminal signals the whole process group: the pool, not
  // the terminal, decides when its children end (and they end with it).
  Deno.addSignalListener("SIGINT", () => {});
}

if (import.meta.main) await main();
