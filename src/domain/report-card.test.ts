import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AGE_BUCKETS, computeReportCard, computeRollup, quantile, remediationDays, spread, statusAt, trendAgainst } from './report-card.js';
import type { CardChecklistRow, CardFinding, CardNetwork, ReportCardInput } from './report-card.js';

const T0 = Date.parse('2025-06-30T00:00:00Z');
const day = (n: number) => new Date(T0 + n * 86_400_000).toISOString();

function finding(id: string, severity: CardFinding['severity'], firstSeenDay: number, history: [number, CardFinding['status']][] = [[firstSeenDay, 'open']], agencyId = 'a1'): CardFinding {
  return { id, agencyId, ruleId: 'ms17-010', severity, status: history[history.length - 1]![1], firstSeen: day(firstSeenDay), history: history.map(([d, to]) => ({ at: day(d), to })) };
}

function input(over: Partial<ReportCardInput> = {}): ReportCardInput {
  return { agency: { id: 'a1', code: 'RSUD', name: 'RSUD' }, asOf: day(0), since: day(-20), previousAsOf: day(-7), findings: [], networks: [], checklist: null, acknowledgements: [], ...over };
}

describe('report card statistics', () => {
  it('quantiles interpolate between the closest ranks (type 7)', () => {
    assert.equal(quantile([1, 2, 3, 4], 0.5), 2.5);
    assert.equal(Math.round(quantile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.9)! * 10) / 10, 9.1);
    assert.equal(quantile([7], 0.9), 7);
    assert.equal(quantile([], 0.5), null);
    assert.deepEqual(spread([3, 1, 2]), { n: 3, median: 2, p90: 2.8, max: 3 });
    assert.deepEqual(spread([]), { n: 0, median: null, p90: null, max: null });
  });

  it('reads a finding\'s status at an instant from its history, reopening included', () => {
    const f = finding('f', 'critical', -30, [[-30, 'open'], [-20, 'resolved'], [-5, 'open']]);
    assert.equal(statusAt(f, T0 - 31 * 86_400_000), null, 'not yet detected');
    assert.equal(statusAt(f, T0 - 25 * 86_400_000), 'open');
    assert.equal(statusAt(f, T0 - 10 * 86_400_000), 'resolved');
    assert.equal(statusAt(f, T0), 'open');
  });

  it('counts each open → resolved run that ended in the period, not exceptions', () => {
    const f = finding('f', 'high', -40, [[-40, 'open'], [-30, 'resolved'], [-12, 'open'], [-2, 'resolved'], [-1, 'open'], [0, 'accepted-risk']]);
    assert.deepEqual(remediationDays(f, T0 - 20 * 86_400_000, T0), [10], 'the first run ended before the period; the exception is not a fix');
    assert.deepEqual(remediationDays(f, T0 - 50 * 86_400_000, T0), [10, 10]);
    assert.deepEqual(remediationDays(f, T0 - 5 * 86_400_000, T0, true), [3], 'from the period\'s start (a circular\'s sending) when the run opened earlier');
  });
});

describe('computeReportCard', () => {
  it('puts open findings in the CyHy age buckets and marks critical overdue after 15 days, high after 30', () => {
    const card = computeReportCard(input({
      findings: [
        finding('c3', 'critical', -3), finding('c7', 'critical', -7), finding('c15', 'critical', -15), finding('c16', 'critical', -16),
        finding('h29', 'high', -29), finding('h31', 'high', -31), finding('m95', 'medium', -95), finding('c100', 'critical', -100),
        finding('gone', 'critical', -50, [[-50, 'open'], [-1, 'resolved']]),
      ],
    }));
    const b = Object.fromEntries(card.age.buckets.map((x) => [x.key, x.total]));
    assert.deepEqual(b, { lt7: 1, '7-15': 1, '15-30': 3, '30-90': 1, gt90: 2 });
    assert.deepEqual(AGE_BUCKETS.map((x) => x.key), ['lt7', '7-15', '15-30', '30-90', 'gt90']);
    assert.equal(card.age.overdue.critical, 2, '16 and 100 days (15 days is not yet overdue)');
    assert.equal(card.age.overdue.high, 1, '31 days');
    assert.equal(card.age.criticalOver90, 1);
    assert.equal(card.exposure.now.total, 8);
    assert.equal(card.exposure.now.critical, 5);
  });

  it('compares exposure now with the start: % closed of what was open then, and what is new', () => {
    const card = computeReportCard(input({
      since: day(-20),
      findings: [
        finding('a', 'critical', -40, [[-40, 'open'], [-10, 'resolved']]),
        finding('b', 'critical', -40),
        finding('c', 'high', -30, [[-30, 'open'], [-25, 'resolved']]), // closed before the start: not in it
        finding('d', 'high', -5),
        finding('e', 'medium', -35, [[-35, 'open'], [-3, 'false-positive']]),
      ],
    }));
    assert.equal(card.exposure.atStart.total, 3);
    assert.equal(card.exposure.closedSinceStart, 2);
    assert.equal(Math.round(card.exposure.closedShare! * 100), 67);
    assert.equal(card.exposure.criticalAtStart, 2);
    assert.equal(card.exposure.criticalAtStartClosed, 1);
    assert.equal(card.exposure.newSinceStart, 1);
    assert.deepEqual(card.remediationDays, { n: 1, median: 30, p90: 30, max: 30 }, 'a false positive is not a remediation');
  });

  it('coverage counts networks with a completed scan in the last 14 days; the trend recomputes the previous card', () => {
    const networks: CardNetwork[] = [
      { id: 'n1', agencyId: 'a1', cidr: '198.18.1.0/24', scannedAt: [day(-2)] },
      { id: 'n2', agencyId: 'a1', cidr: '198.18.2.0/24', scannedAt: [day(-15)] },
      { id: 'n3', agencyId: 'a1', cidr: '198.18.3.0/24', scannedAt: [] },
      { id: 'n4', agencyId: 'a1', cidr: '198.18.4.0/24', scannedAt: [day(-8), day(1)] },
      { id: 'n5', agencyId: 'a1', cidr: '198.18.5.0/24', scannedAt: [day(-16)] },
    ];
    const card = computeReportCard(input({ networks, previousAsOf: day(-7), findings: [finding('x', 'critical', -10), finding('y', 'critical', -20, [[-20, 'open'], [-3, 'resolved']])] }));
    assert.deepEqual([card.coverage.networks, card.coverage.scanned, card.coverage.stale], [5, 2, ['198.18.2.0/24', '198.18.3.0/24', '198.18.5.0/24']], 'a scan after asOf does not count');
    assert.equal(card.coverage.share, 0.4);
    const t = card.trend!;
    assert.equal(t.previous.open.total, 2);
    assert.equal(t.open, -1);
    assert.equal(t.critical, -1);
    // A week earlier n2 (day -15), n4 (day -8) and n5 (day -16) were within their 14 days; n1 was not scanned yet.
    assert.equal(t.previous.coverageShare, 0.6);
    assert.equal(t.coverageShare, -0.2);
    assert.equal(t.previous.overdue, 0, 'y was 13 days old then');
    assert.equal(card.age.overdue.critical, 0);
  });

  it('checklist completion, verified share of the checkable items, discrepancies with their hosts; acknowledgement times', () => {
    const row = (code: string, checkable: boolean, verification: CardChecklistRow['verification'], complete: boolean, hosts: string[] = []): CardChecklistRow =>
      ({ agencyId: 'a1', code, title: { id: code, en: code }, required: true, checkable, status: verification === 'pending' ? 'todo' : 'done', verification, complete, hosts });
    const card = computeReportCard(input({
      checklist: [row('backup', false, 'unverifiable', true), row('ms17-010', true, 'contradicted', false, ['198.18.2.20']), row('smbv1', true, 'verified', true), row('block-445', true, 'pending', false)],
      acknowledgements: [{ agencyId: 'a1', sentAt: day(-20), acknowledgedAt: new Date(T0 - 20 * 86_400_000 + 5 * 3_600_000).toISOString() }],
    }));
    const c = card.checklist!;
    assert.deepEqual([c.items, c.complete, c.checkable, c.verified, c.discrepancies, c.requiredOpen], [4, 2, 3, 1, 1, 2]);
    assert.equal(c.completeShare, 0.5);
    assert.equal(Math.round(c.verifiedShare! * 100), 33);
    assert.deepEqual(c.contradicted[0]!.hosts, ['198.18.2.20']);
    assert.deepEqual(card.acknowledgement, { sent: 1, acknowledged: 1, pending: 0, hours: { n: 1, median: 5, p90: 5, max: 5 } });
  });
});

describe('a circular\'s card', () => {
  it('counts only the circular\'s rules, times remediation from the sending, and counts every contradicting host', () => {
    const smb: CardFinding = { ...finding('s', 'medium', -30, [[-30, 'open'], [-4, 'resolved']]), ruleId: 'smbv1' };
    const other: CardFinding = { ...finding('o', 'high', -30, [[-30, 'open'], [-2, 'resolved']]), ruleId: 'http-title' };
    const card = computeReportCard(input({
      findings: [smb, other, finding('m', 'critical', -30)], since: day(-10), rules: ['smbv1', 'ms17-010'], remediationFrom: 'since',
      checklist: [{ agencyId: 'a1', code: 'ms17-010', title: { id: 'x', en: 'x' }, required: true, checkable: true, status: 'done', verification: 'contradicted', complete: false, hosts: ['198.18.2.20'], hostCount: 40 }],
    }));
    assert.deepEqual(card.rules, ['ms17-010', 'smbv1']);
    assert.equal(card.exposure.atStart.total, 2, 'the finding of another rule is not the circular\'s exposure');
    assert.deepEqual(card.remediationDays, { n: 1, median: 6, p90: 6, max: 6 }, 'six days after the sending, not 26 after the opening');
    assert.deepEqual([card.checklist!.discrepancyHosts, card.checklist!.contradicted[0]!.hostCount], [40, 40]);
  });

  it('the trend against a stored card compares with what that card said, checklist included', () => {
    const row = (verification: CardChecklistRow['verification'], complete: boolean): CardChecklistRow =>
      ({ agencyId: 'a1', code: 'ms17-010', title: { id: 'x', en: 'x' }, required: true, checkable: true, status: 'done', verification, complete, hosts: [] });
    const before = computeReportCard(input({ asOf: day(-7), previousAsOf: null, findings: [finding('1', 'critical', -20), finding('2', 'high', -20)], checklist: [row('contradicted', false)] }));
    const now = computeReportCard(input({ findings: [finding('1', 'critical', -20)], checklist: [row('verified', true)] }));
    const t = trendAgainst(now, { id: 'kartu-1', card: before }).trend!;
    assert.deepEqual([t.previousId, t.previousAsOf, t.open, t.high], ['kartu-1', day(-7), -1, -1]);
    assert.deepEqual(t.checklist, { completeShare: 1, verifiedShare: 1, discrepancies: -1, previous: { completeShare: 0, verifiedShare: 0, discrepancies: 1 } });
    assert.equal(trendAgainst(now, null).trend, null, 'the first card of a schedule has nothing to compare with');
    assert.equal(now.trend!.previousId, null, 'without a stored card the trend is recomputed from the history');
  });
});

describe('computeRollup', () => {
  it('sums the city and ranks agencies worst first (overdue critical, overdue high, open critical, open)', () => {
    const r = computeRollup({
      agencies: [{ id: 'a1', code: 'RSUD', name: 'RSUD' }, { id: 'a2', code: 'DISDIK', name: 'Dinas Pendidikan' }, { id: 'a3', code: 'BAPPEDA', name: 'Bappeda' }],
      asOf: day(0), since: day(-20), previousAsOf: null, checklist: null, networks: [],
      findings: [finding('1', 'critical', -20, undefined, 'a2'), finding('2', 'high', -2, undefined, 'a1'), finding('3', 'critical', -3, undefined, 'a1')],
      acknowledgements: [{ agencyId: 'a1', sentAt: day(-20), acknowledgedAt: day(-19) }, { agencyId: 'a2', sentAt: day(-20), acknowledgedAt: day(-17) }, { agencyId: 'a3', sentAt: day(-20), acknowledgedAt: null }],
    });
    assert.deepEqual(r.agencies.map((a) => a.agency!.code), ['DISDIK', 'RSUD', 'BAPPEDA']);
    assert.equal(r.city.exposure.now.total, 3);
    assert.equal(r.city.agency, null);
    assert.deepEqual(r.city.acknowledgement, { sent: 3, acknowledged: 2, pending: 1, hours: { n: 2, median: 48, p90: 67.2, max: 72 } });
    assert.equal(r.agencies.find((a) => a.agency!.code === 'BAPPEDA')!.acknowledgement.pending, 1);
  });
});
