// Copyright 2026 the @concurrent/futures authors. MIT license.
/**
 * A tour of `Future`: results set by timers, done callbacks, a timed-out
 * wait, cancellation, `wait` and `asCompleted`.
 *
 * Run: deno run examples/future_demo.ts
 *
 * Output:
 * ```
 * callback: brew finished with "coffee"
 * result(): coffee
 * result(10): TimeoutError: The future was not done within 10 ms
 * cancel() while pending: true, state cancelled
 * wait(FIRST_COMPLETED): done [tea], not done [toast, jam]
 * asCompleted: toast
 * asCompleted: jam
 * ```
 */
import {
  asCompleted,
  FIRST_COMPLETED,
  Future,
  TimeoutError,
  wait,
} from "../mod.ts";

function later<T>(ms: number, value: T): Future<T> {
  const future = new Future<T>();
  setTimeout(() => future.setResult(value), ms);
  return future;
}

const brew = later(20, "coffee");
brew.addDoneCallback((f) =>
  console.log(`callback: brew finished with "${f.resultNow()}"`)
);
console.log("result():", await brew.result());

const slow = later(50, "slow");
try {
  await slow.result(10);
} catch (error) {
  if (!(error instanceof TimeoutError)) throw error;
  console.log(`result(10): ${error.name}: ${error.message}`);
}

const unwanted = new Future<string>();
console.log(
  `cancel() while pending: ${unwanted.cancel()}, state ${unwanted.state}`,
);

const named = new Map<Future<string>, string>();
for (const [name, ms] of [["tea", 10], ["toast", 40], ["jam", 60]] as const) {
  named.set(later(ms, name), name);
}
const { done, notDone } = await wait(named.keys(), {
  returnWhen: FIRST_COMPLETED,
});
const names = (fs: Set<Future<string>>) => [...fs].map((f) => named.get(f));
console.log(
  `wait(FIRST_COMPLETED): done [${names(done).join(", ")}], not done [${
    names(notDone).join(", ")
  }]`,
);
for await (const f of asCompleted(notDone)) {
  console.log("asCompleted:", f.resultNow());
}
await slow.result();
