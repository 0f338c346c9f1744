// Copyright 2026 the @concurrent/futures authors. MIT license.
// The Worker transport: each pool worker is a Deno Web Worker running
// `_worker.ts`, sharing memory with the pool (its task slots).
import type { FromWorker, ToWorker } from "./_protocol.ts";
import type { Transport, TransportFactory } from "./_transport.ts";

/** Starts pool workers as Deno Workers, sandboxed by `permissions`. */
export function workerTransport(
  permissions: Deno.PermissionOptions | undefined,
): TransportFactory {
  return (name, handlers): Transport => {
    const worker = new Worker(new URL("./_worker.ts", import.meta.url), {
      type: "module",
      name,
      ...(permissions === undefined ? {} : { deno: { permissions } }),
    });
    let killed = false;
    worker.onmessage = (event: MessageEvent<FromWorker>) => {
      if (!killed) handlers.message(event.data);
    };
    worker.onerror = (event: ErrorEvent) => {
      event.preventDefault();
      if (!killed) handlers.exit(`it failed: ${event.message}`);
    };
    return {
      sharesMemory: true,
      post(message: ToWorker, transfer?: Transferable[]): void {
        worker.postMessage(message, transfer ?? []);
      },
      kill(): void {
        killed = true;
        worker.terminate();
      },
    };
  };
}
