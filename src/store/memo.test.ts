import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ReadMemo } from './memo.js';

test('one computation per key and token; a new token computes afresh; no token, no memory', async () => {
  const memo = new ReadMemo();
  let runs = 0;
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  const compute = async () => {
    runs++;
    await gate;
    return { n: runs };
  };
  // Readers arriving while the first computation runs wait for it.
  const readers = [memo.get('k', '1', compute), memo.get('k', '1', compute), memo.get('k', '1', compute)];
  release();
  const values = await Promise.all(readers);
  assert.equal(runs, 1);
  assert.ok(values.every((v) => v === values[0]));
  assert.equal(await memo.get('k', '1', compute), values[0]);
  assert.deepEqual(await memo.get('k', '2', compute), { n: 2 }, 'the tables changed: computed again');
  await memo.get('k', undefined, compute);
  await memo.get('k', undefined, compute);
  assert.equal(runs, 4, 'an unknown token is never answered from memory');
});

test('a failed computation is forgotten; the least recently used entry goes when full', async () => {
  const memo = new ReadMemo(2);
  await assert.rejects(memo.get('k', '1', async () => {
    throw new Error('storage');
  }), /storage/);
  assert.equal(await memo.get('k', '1', async () => 'ok'), 'ok', 'the next reader tries again');
  await memo.get('a', '1', async () => 'a');
  await memo.get('k', '1', async () => 'unused'); // k is used again: a is now the oldest
  await memo.get('b', '1', async () => 'b');
  assert.equal(memo.size, 2);
  assert.equal(await memo.get('k', '1', async () => 'recomputed'), 'ok');
  assert.equal(await memo.get('a', '1', async () => 'recomputed'), 'recomputed');
});
