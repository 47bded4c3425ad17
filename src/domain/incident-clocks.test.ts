import assert from 'node:assert/strict';
import { test } from 'node:test';
import { clockEvents, clocksOf, DEFAULT_CLOCK_POLICY, validateClockPolicy } from './incident-clocks.js';
import type { ClockInput } from './incident-clocks.js';

const FOUND = '2025-06-02T01:00:00.000Z';
const base: ClockInput = {
  foundAt: FOUND, reportedAt: '2025-06-02T01:10:00.000Z', acknowledgedAt: null, firstResponseAt: null, containedAt: null, bssnReportSentAt: null,
  pdpNoticeSentAt: null, closedAt: null, vital: false, personalData: false,
};
const at = (iso: string) => new Date(iso);
const H = 3600_000;
const plus = (iso: string, ms: number) => new Date(Date.parse(iso) + ms);

test('regulatory clocks apply only when flagged: IIV → 1×24 h, personal data → 3×24 h, both from the moment it was found', () => {
  assert.deepEqual(clocksOf(base, DEFAULT_CLOCK_POLICY, at(FOUND)).map((c) => c.id), ['acknowledge', 'first-response', 'containment']);
  const all = clocksOf({ ...base, vital: true, personalData: true }, DEFAULT_CLOCK_POLICY, at(FOUND));
  const bssn = all.find((c) => c.id === 'bssn-report')!;
  const pdp = all.find((c) => c.id === 'pdp-notice')!;
  assert.equal(bssn.dueAt, '2025-06-03T01:00:00.000Z');
  assert.equal(bssn.warnAt, '2025-06-02T19:00:00.000Z');
  assert.equal(pdp.dueAt, '2025-06-05T01:00:00.000Z');
  assert.equal(pdp.warnAt, '2025-06-04T13:00:00.000Z');
  assert.match(bssn.basis, /Pasal 15/);
  assert.match(pdp.basis, /Pasal 46/);
});

test('a clock runs, warns, breaches; met in time or late; stopped when closed before due', () => {
  const input = { ...base, vital: true };
  const state = (now: Date, i: ClockInput = input) => clocksOf(i, DEFAULT_CLOCK_POLICY, now).find((c) => c.id === 'bssn-report')!.state;
  assert.equal(state(plus(FOUND, 18 * H - 1)), 'running');
  assert.equal(state(plus(FOUND, 18 * H)), 'warning');
  assert.equal(state(plus(FOUND, 24 * H - 1)), 'warning');
  assert.equal(state(plus(FOUND, 24 * H)), 'breached');
  assert.equal(state(plus(FOUND, 30 * H), { ...input, bssnReportSentAt: plus(FOUND, 20 * H).toISOString() }), 'met');
  assert.equal(state(plus(FOUND, 30 * H), { ...input, bssnReportSentAt: plus(FOUND, 25 * H).toISOString() }), 'met-late');
  assert.equal(state(plus(FOUND, 30 * H), { ...input, closedAt: plus(FOUND, 2 * H).toISOString() }), 'stopped');
  assert.equal(state(plus(FOUND, 90 * H), { ...input, closedAt: plus(FOUND, 26 * H).toISOString() }), 'breached', 'closed after the due time: it stays breached');
});

test('internal targets come from the policy and warn in the last quarter by default', () => {
  const policy = validateClockPolicy({ acknowledgeMs: 20 * 60_000 });
  const ack = clocksOf(base, policy, at('2025-06-02T01:20:00.000Z')).find((c) => c.id === 'acknowledge')!;
  assert.equal(ack.dueAt, '2025-06-02T01:30:00.000Z');
  assert.equal(ack.warnAt, '2025-06-02T01:25:00.000Z');
  assert.equal(ack.state, 'running');
  assert.throws(() => validateClockPolicy({ containmentMs: 10 }), /containmentMs/);
  assert.throws(() => validateClockPolicy({ warnFraction: 1.5 }), /warnFraction/);
});

test('clockEvents announce each warning and breach once; a breach seen late skips its warning', () => {
  const input = { ...base, vital: true };
  const w = clocksOf(input, DEFAULT_CLOCK_POLICY, plus(FOUND, 19 * H));
  assert.deepEqual(clockEvents(w, new Set()).filter((e) => e.clockId === 'bssn-report').map((e) => e.event), ['warning']);
  assert.deepEqual(clockEvents(w, new Set(['bssn-report:warning'])).filter((e) => e.clockId === 'bssn-report'), []);
  const b = clocksOf(input, DEFAULT_CLOCK_POLICY, plus(FOUND, 25 * H));
  assert.deepEqual(clockEvents(b, new Set()).filter((e) => e.clockId === 'bssn-report').map((e) => e.event), ['breached']);
  assert.deepEqual(clockEvents(b, new Set(['bssn-report:breached'])).filter((e) => e.clockId === 'bssn-report'), []);
});
