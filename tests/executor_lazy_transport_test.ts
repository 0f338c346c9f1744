// Copyright 2026 the @concurrent/futures authors. MIT license.
// The transport whose code loads on first use (ProcessPoolExecutor's, and
// the worker transport on Node before 20.16).
import assert from "node:assert/strict";
import { lazyTransport } from "../executor/_pool/lazy_transport.ts";
import type { FromWorker, ToWorker } from "../executor/_protocol.ts";
import type {
  Transport,
  TransportFactory,
  TransportHandlers,
} from "../executor/_transport.ts";

function fakeFactory(log: string[]): TransportFactory {
  return (name: string, handlers: TransportHandlers): Transport => {
    log.push(`start ${name}`);
    queueMicrotask(() =>
      handlers.message({ t: "ready" } as unknown as FromWorker)
    );
    return {
      sharesMemory: false,
      post(message: ToWorker) {
        log.push(`post ${(message as { t: string }).t}`);
      },
      kill() {
        log.push("kill");
      },
    };
  };
}

function recorder(): { handlers: TransportHandlers; events: string[] } {
  const events: string[] = [];
  return {
    events,
    handlers: {
      message: (m) => events.push(`message ${(m as { t: string }).t}`),
      exit: (how) => events.push(`exit ${how}`),
    },
  };
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 0));

Deno.test("lazy transport: messages posted while loading arrive in order, once loaded", async () => {
  const log: string[] = [];
  let loads = 0;
  const factory = lazyTransport(async () => {
    loads++;
    await tick();
    return fakeFactory(log);
  }, false);
  const { handlers, events } = recorder();
  const transport = factory("w1", handlers);
  assert.equal(transport.sharesMemory, false);
  transport.post({ t: "init" } as unknown as ToWorker);
  transport.post({ t: "run" } as unknown as ToWorker);
  assert.deepEqual(log, []);
  await tick();
  await tick();
  assert.deepEqual(log, ["start w1", "post init", "post run"]);
  transport.post({ t: "stop" } as unknown as ToWorker);
  assert.deepEqual(log.at(-1), "post stop");
  assert.deepEqual(events, ["message ready"]);
  // A second worker reuses the loaded code.
  factory("w2", recorder().handlers);
  await tick();
  assert.equal(loads, 1);
});

Deno.test("lazy transport: a message that cannot be cloned throws at the call, sending nothing", async () => {
  const log: string[] = [];
  const factory = lazyTransport(() => Promise.resolve(fakeFactory(log)), false);
  const transport = factory("w", recorder().handlers);
  assert.throws(
    () => transport.post({ t: "run", fn: () => 1 } as unknown as ToWorker),
    { name: "DataCloneError" },
  );
  await tick();
  assert.deepEqual(log, ["start w"]);
});

Deno.test("lazy transport: code that does not load fails the worker as a crash", async () => {
  const factory = lazyTransport(
    () => Promise.reject(new Error("no such module")),
    false,
  );
  const { handlers, events } = recorder();
  const transport = factory("w", handlers);
  transport.post({ t: "init" } as unknown as ToWorker);
  await tick();
  assert.deepEqual(events, [
    "exit its code could not be loaded: no such module",
  ]);
});

Deno.test("lazy transport: a worker killed while loading never starts", async () => {
  const log: string[] = [];
  const factory = lazyTransport(() => Promise.resolve(fakeFactory(log)), false);
  const { handlers, events } = recorder();
  const transport = factory("w", handlers);
  transport.post({ t: "init" } as unknown as ToWorker);
  transport.kill();
  await tick();
  assert.deepEqual(log, []);
  assert.deepEqual(events, []);
});
