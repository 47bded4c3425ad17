import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { checkJobTransition, remainingOf, shownJobStatus, validateJobInput } from './scan-job.js';
import type { JobInput } from './scan-job.js';
import { isPerisaiError } from './errors.js';

const base: JobInput = {
  agencyId: 'a', profile: 'ransomware', targets: ['198.18.0.0/24'], ports: [445], vantage: 'internal', seed: '42', requestedBy: 'admin',
  tasks: [{ start: 0, end: 128 }, { start: 128, end: 256 }],
};

describe('scan jobs', () => {
  it('plans = total task length; tasks must be disjoint and non-empty', () => {
    assert.equal(validateJobInput(base), 256);
    for (const bad of [
      { ...base, tasks: [] }, { ...base, tasks: [{ start: 0, end: 10 }, { start: 9, end: 20 }] }, { ...base, tasks: [{ start: 5, end: 5 }] },
      { ...base, vantage: 'moon' as never }, { ...base, ports: [0] }, { ...base, seed: '-1' }, { ...base, requestedBy: ' ' }, { ...base, targets: [] },
    ]) {
      assert.throws(() => validateJobInput(bad), (e) => isPerisaiError(e, 'E_VALIDATION'), JSON.stringify(bad));
    }
  });

  it('job statuses only move forward; terminal states are final', () => {
    checkJobTransition('queued', 'running');
    checkJobTransition('running', 'finalizing');
    checkJobTransition('finalizing', 'completed');
    for (const [from, to] of [['completed', 'running'], ['finalizing', 'finalizing'], ['cancelled', 'queued'], ['queued', 'finalizing']] as const) {
      assert.throws(() => checkJobTransition(from, to), (e) => isPerisaiError(e, 'E_CONFLICT'));
    }
  });

  it('remaining work is the task range minus what is done', () => {
    assert.deepEqual(remainingOf([100, 200], [[100, 120], [150, 160], [190, 300]]), [[120, 150], [160, 190]]);
  });
});

describe('shownJobStatus', () => {
  const t = (pending: number, running: number, done: number, failed = 0) => ({ pending, running, done, failed, cancelled: 0 });
  it('a running job with every task done shows as finalizing; anything else shows as stored', () => {
    assert.equal(shownJobStatus('running', t(0, 0, 5)), 'finalizing');
    assert.equal(shownJobStatus('running', t(0, 1, 4)), 'running');
    assert.equal(shownJobStatus('running', t(1, 0, 4)), 'running');
    assert.equal(shownJobStatus('running', t(0, 0, 0, 2)), 'running', 'nothing done: not finalizing');
    assert.equal(shownJobStatus('completed', t(0, 0, 5)), 'completed');
    assert.equal(shownJobStatus('queued', t(3, 0, 0)), 'queued');
  });
});
