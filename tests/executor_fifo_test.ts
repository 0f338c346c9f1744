// Copyright 2026 the @concurrent/futures authors. MIT license.
// Unit tests of the pool's FIFO queue, against a plain array as the model.
import assert from "node:assert/strict";
import { Fifo } from "../executor/_fifo.ts";
import { seededRandom } from "./_util/random.ts";

Deno.test("Fifo keeps order through push, shift, unshift and drain", () => {
  const fifo = new Fifo<number>();
  assert.equal(fifo.length, 0);
  assert.equal(fifo.shift(), undefined);
  assert.equal(fifo.peek(), undefined);
  for (let i = 0; i < 5; i++) fifo.push(i);
  assert.equal(fifo.shift(), 0);
  assert.equal(fifo.shift(), 1);
  fifo.unshift(1);
  fifo.unshift(-1);
  assert.equal(fifo.peek(), -1);
  assert.deepEqual([...fifo], [-1, 1, 2, 3, 4]);
  assert.equal(fifo.length, 5);
  assert.deepEqual(fifo.drain(), [-1, 1, 2, 3, 4]);
  assert.equal(fifo.length, 0);
  assert.deepEqual([...fifo], []);
});

Deno.test("Fifo behaves as an array through 20,000 random operations, across its compactions", () => {
  const random = seededRandom(17);
  const fifo = new Fifo<number>();
  const model: number[] = [];
  let next = 0;
  for (let step = 0; step < 20_000; step++) {
    // Phases that fill and drain the queue carry its head past 1,024 with
    // items still queued, where it compacts.
    const filling = Math.floor(step / 2000) % 2 === 0;
    const r = random();
    if (r < (filling ? 0.5 : 0.15)) {
      // Bursts of pushes make the head run past 1,024 and compact.
      const n = 1 + Math.floor(random() * 8);
      for (let i = 0; i < n; i++) {
        fifo.push(next);
        model.push(next++);
      }
    } else if (r < 0.9) {
      assert.equal(fifo.shift(), model.shift());
    } else if (r < 0.97) {
      const item = next++;
      fifo.unshift(item);
      model.unshift(item);
    } else {
      assert.equal(fifo.peek(), model[0]);
    }
    assert.equal(fifo.length, model.length);
  }
  assert.deepEqual([...fifo], model);
  assert.deepEqual(fifo.drain(), model);
});

Deno.test("Fifo frees the items it has handed out", () => {
  const fifo = new Fifo<object>();
  const items = Array.from({ length: 3000 }, (_, i) => ({ i }));
  for (const item of items) fifo.push(item);
  for (let i = 0; i < 2000; i++) assert.equal(fifo.shift(), items[i]);
  // After the compaction the queue holds exactly what is left.
  assert.equal(fifo.length, 1000);
  assert.deepEqual([...fifo], items.slice(2000));
});
