// Copyright 2026 the @concurrent/futures authors. MIT license.
// A transport whose code is loaded on first use: the pool starts a worker
// synchronously, but the module that can (the process transport and its
// `node:` imports, or `node:worker_threads` on old Node) arrives by a
// dynamic import. Until then messages wait here, in order, each checked
// to be cloneable at the call, as the real transport would check it.
import type { FromWorker, ToWorker } from "../_protocol.ts";
import type {
  Transport,
  TransportFactory,
  TransportHandlers,
} from "../_transport.ts";

/**
 * A factory that starts each worker once `load`, called at once, has
 * brought the real factory. A failed load fails each worker as a crash
 * (`handlers.exit`).
 */
export function lazyTransport(
  load: () => Promise<TransportFactory>,
  sharesMemory: boolean,
): TransportFactory {
  // Loading starts now, with the pool, not with its first worker.
  const loading = load();
  // A pool that never starts a worker leaves a failed load unobserved.
  loading.catch(() => {});
  return (name: string, handlers: TransportHandlers): Transport => {
    let real: Transport | undefined;
    let killed = false;
    let waiting: [ToWorker, Transferable[] | undefined][] | undefined = [];
    let closed: Promise<void> | undefined;
    loading.then((factory) => {
      if (killed) return;
      try {
        real = factory(name, {
          message: (message: FromWorker) => handlers.message(message),
          exit: (how, cause) => handlers.exit(how, cause),
        });
        for (const [message, transfer] of waiting!) {
          real.post(message, transfer);
        }
      } catch (error) {
        real?.kill();
        killed = true;
        handlers.exit(
          `it could not start: ${(error as Error)?.message ?? error}`,
          error,
        );
      }
      waiting = undefined;
    }, (error) => {
      if (killed) return;
      killed = true;
      handlers.exit(
        `its code could not be loaded: ${(error as Error)?.message ?? error}`,
        error,
      );
    });
    return {
      sharesMemory,
      post(message: ToWorker, transfer?: Transferable[]): void {
        if (killed) return;
        if (real !== undefined) return real.post(message, transfer);
        // A buffer in `transfer` may be uncloneable but transferable.
        if (transfer === undefined || transfer.length === 0) {
          structuredClone(message);
        }
        waiting!.push([message, transfer]);
      },
      kill(): void {
        if (killed) return;
        killed = true;
        real?.kill();
        closed = real?.closed;
      },
      get closed(): Promise<void> | undefined {
        return closed ?? real?.closed;
      },
    };
  };
}
