// Copyright 2026 the @concurrent/futures authors. MIT license.
// The Worker transport: each pool worker is a Web Worker (Deno, Bun,
// browsers: a module worker) or a `node:worker_threads` Worker (Node),
// running `_runner/worker.ts`, and sharing memory with the pool (its task slots)
// wherever SharedArrayBuffer exists: not in a page without cross-origin
// isolation, where the pool works by messages alone.
//
// The entry module is `../_runner/worker` from this one, with the same
// extension: `.ts` from source or JSR, `.js` when JSR serves the package to
// npm (each file transpiled). When a bundle keeps this module's code in
// `bundle.js`, the entry must be bundled as `_worker.js` beside it (the
// README says how), or given as `workerUrl`.
import type { FromWorker, ToWorker } from "../_protocol.ts";
import type {
  Transport,
  TransportFactory,
  TransportHandlers,
} from "../_transport.ts";
import { lazyTransport } from "./lazy_transport.ts";
import { isDeno, isNode, nodeModule } from "../_runtime.ts";

/**
 * The URL of the worker entry, with the extension of `here` (this module's
 * URL): `../_runner/worker` from `_pool/worker_transport`, or `_worker`
 * beside a bundle that holds this module's code.
 */
export function defaultWorkerUrl(here: URL = new URL(import.meta.url)): URL {
  const extension = /\.[cm]?[jt]sx?$/.exec(here.pathname)?.[0] ?? ".js";
  const unbundled = here.pathname.endsWith(
    `/_pool/worker_transport${extension}`,
  );
  return new URL(
    unbundled ? `../_runner/worker${extension}` : `./_worker${extension}`,
    here,
  );
}

/** Whether the pool and its workers can share memory here. */
export function canShareMemory(): boolean {
  return typeof SharedArrayBuffer === "function" &&
    (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated !==
      false;
}

/** Starts pool workers, sandboxed by `permissions` on Deno. */
export function workerTransport(
  permissions: Deno.PermissionOptions | undefined,
  workerUrl: URL | string = defaultWorkerUrl(),
): TransportFactory {
  const url = new URL(workerUrl, import.meta.url);
  const sharesMemory = canShareMemory();
  if (!isNode) {
    return (name, handlers) =>
      webWorker(url, name, handlers, sharesMemory, permissions);
  }
  const threads = nodeModule<NodeThreads>("node:worker_threads");
  if (threads !== undefined) {
    return (name, handlers) =>
      nodeWorker(threads, url, name, handlers, sharesMemory);
  }
  // Node before 20.16 has no getBuiltinModule: import it on first use.
  const specifier = "node:worker_threads";
  return lazyTransport(
    () =>
      (import(specifier) as Promise<NodeThreads>).then(
        (threads) => (name: string, handlers: TransportHandlers) =>
          nodeWorker(threads, url, name, handlers, sharesMemory),
      ),
    sharesMemory,
  );
}

/** Why a Worker failed, with a real message even when the event has none. */
function failure(url: URL, event: ErrorEvent): string {
  const error = event.error as { message?: unknown } | undefined;
  const message = event.message || error?.message;
  if (message) return `it failed: ${message}`;
  // A browser gives no message for a module that did not load.
  return `it failed: its module ${url.href} could not be loaded or ` +
    `threw before it started (is the worker entry served at that URL?)`;
}

function webWorker(
  url: URL,
  name: string,
  handlers: TransportHandlers,
  sharesMemory: boolean,
  permissions: Deno.PermissionOptions | undefined,
): Transport {
  const worker = new Worker(url, {
    type: "module",
    name,
    ...(permissions === undefined || !isDeno ? {} : { deno: { permissions } }),
  });
  let killed = false;
  worker.onmessage = (event: MessageEvent<FromWorker>) => {
    if (!killed) handlers.message(event.data);
  };
  worker.onerror = (event: ErrorEvent) => {
    event.preventDefault();
    if (!killed) handlers.exit(failure(url, event), event.error);
  };
  // Bun says when a Worker ends (process.exit in it, for one); the worker
  // reports why first, so this only catches an end it could not report.
  worker.addEventListener("close", (event) => {
    if (!killed) {
      killed = true;
      const code = (event as { code?: number }).code;
      handlers.exit(
        `it exited${code === undefined ? "" : ` with code ${code}`}`,
      );
    }
  });
  return {
    sharesMemory,
    post(message: ToWorker, transfer?: Transferable[]): void {
      worker.postMessage(message, transfer ?? []);
    },
    kill(): void {
      killed = true;
      worker.terminate();
    },
  };
}

/** What the pool uses of `node:worker_threads`. */
interface NodeThreads {
  Worker: new (url: URL, options: { name?: string }) => NodeWorker;
}

interface NodeWorker {
  on(event: "message", listener: (message: FromWorker) => void): void;
  on(event: "error", listener: (error: Error) => void): void;
  on(event: "exit", listener: (code: number) => void): void;
  on(event: "messageerror", listener: (error: Error) => void): void;
  postMessage(message: unknown, transfer?: readonly Transferable[]): void;
  terminate(): Promise<number>;
}

function nodeWorker(
  threads: NodeThreads,
  url: URL,
  name: string,
  handlers: TransportHandlers,
  sharesMemory: boolean,
): Transport {
  const worker = new threads.Worker(url, { name });
  let killed = false;
  let ended = false;
  const end = (how: string, cause?: unknown) => {
    if (killed || ended) return;
    ended = true;
    handlers.exit(how, cause);
  };
  worker.on("message", (message) => {
    if (!killed && !ended) handlers.message(message);
  });
  worker.on("error", (error) => end(`it failed: ${error?.message}`, error));
  worker.on("messageerror", (error) => end(`it failed: ${error?.message}`));
  worker.on("exit", (code) => end(`it exited with code ${code}`));
  return {
    sharesMemory,
    post(message: ToWorker, transfer?: Transferable[]): void {
      if (transfer !== undefined) checkTransfer(transfer);
      worker.postMessage(message, transfer ?? []);
    },
    kill(): void {
      if (killed) return;
      killed = true;
      void worker.terminate();
    },
  };
}

/**
 * Throws the DataCloneError a Web Worker would for a detached buffer in a
 * transfer list, which Node 20's postMessage sends as an empty one.
 */
function checkTransfer(transfer: Transferable[]): void {
  for (const item of transfer) {
    if (!(item instanceof ArrayBuffer)) continue;
    try {
      new Uint8Array(item, 0, 0);
    } catch {
      throw new DOMException(
        "An ArrayBuffer is detached and could not be cloned.",
        "DataCloneError",
      );
    }
  }
}
