// The in-flight table of the connect scan (slot-table.ts) on a virtual clock: start times are numbers the
// test chooses, so "young" and "old" are exact.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { NONE, SlotTable } from './slot-table.js';
import type { Target } from '../types.js';

const T: Target = { ip: '198.18.9.1', family: 4 };

/** The list from the oldest to the newest, checked against its back links. */
function order(t: SlotTable): number[] {
  const fwd: number[] = [];
  for (let s = t.head; s !== NONE; s = t.next[s]!) fwd.push(s);
  const back: number[] = [];
  for (let s = t.tail; s !== NONE; s = t.prev[s]!) back.push(s);
  assert.deepEqual(back.reverse(), fwd, 'next and prev links disagree');
  return fwd;
}

test('probes are listed in launch order; releasing any of them keeps the list whole and frees the slot', () => {
  const t = new SlotTable(4);
  let now = 1000;
  const a = t.acquire(1, 445, 0, 0, T, now++);
  const b = t.acquire(2, 139, 1, 0, T, now++);
  const c = t.acquire(3, 80, 0, 2, T, now++);
  assert.deepEqual(order(t), [a, b, c]);
  assert.equal(t.inFlight, 3);
  assert.deepEqual([t.host[b], t.port[b], t.attempt[b], t.unreach[b], t.start[b]], [2, 139, 1, 0, 1001]);
  assert.equal(t.unreach[c], 2);
  t.handle[b] = { id: 'b' };
  t.release(b); // the middle
  assert.deepEqual(order(t), [a, c]);
  assert.equal(t.handle[b], null, 'a late completion for a released slot must find no handle');
  assert.equal(t.target[b], undefined, 'the Target is not kept alive by a free slot');
  t.release(a); // the head
  t.release(c); // the tail, now also the head
  assert.deepEqual(order(t), []);
  assert.equal(t.inFlight, 0);
  // the freed slot is reused first, and every slot of the table can be in flight at once
  const again = [0, 1, 2, 3].map(() => t.acquire(9, 1, 0, 0, T, now++));
  assert.equal(again[0], c);
  assert.deepEqual([...again].sort(), [0, 1, 2, 3]);
  assert.deepEqual(order(t), again);
});

test('the young-probe count walks from the newest and stops at the first probe old enough', () => {
  const t = new SlotTable(8);
  for (const start of [0, 5, 12, 20, 22]) t.acquire(0, 1, 0, 0, T, start);
  assert.equal(t.youngerThan(25, 10), 2); // started at 22 and 20; 12 is 13 ms old
  assert.equal(t.youngerThan(25, 14), 3);
  assert.equal(t.youngerThan(100, 10), 0);
  assert.equal(new SlotTable(2).youngerThan(0, 10), 0);
});

test('any sequence of launches and releases keeps the list equal to the probes in flight, in launch order', () => {
  fc.assert(
    fc.property(fc.array(fc.oneof(fc.constant(-1), fc.nat(15)), { maxLength: 200 }), (ops) => {
      const t = new SlotTable(16);
      const model: number[] = []; // slots in flight, oldest first
      let now = 0;
      for (const op of ops) {
        if (op === -1) {
          if (model.length < 16) model.push(t.acquire(now, 1, 0, 0, T, now++));
        } else if (model.length > 0) {
          const [s] = model.splice(op % model.length, 1);
          t.release(s!);
        }
        assert.deepEqual(order(t), model);
        assert.equal(t.inFlight, model.length);
      }
      // start times follow the list
      const starts = order(t).map((s) => t.start[s]!);
      assert.deepEqual(starts, [...starts].sort((x, y) => x - y));
    }),
  );
});
