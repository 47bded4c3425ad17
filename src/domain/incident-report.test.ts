import assert from 'node:assert/strict';
import { test } from 'node:test';
import { clocksOf, DEFAULT_CLOCK_POLICY } from './incident-clocks.js';
import { buildBssnReport, buildPdpNotice, DEFAULT_INCIDENT_SETTINGS, localTime, monthlyStats, monthOf } from './incident-report.js';
import type { IncidentDossier } from './incident-report.js';

const found = '2025-06-02T01:00:00.000Z';

function dossier(over: Partial<IncidentDossier['incident']> = {}): IncidentDossier {
  const incident = {
    id: 'i1', number: 'INS-2025-0001', agency: { id: 'rsud', code: 'RSUD', name: 'RSUD Kota', kind: 'hospital' }, title: 'Ransomware di loket pendaftaran', description: 'Dua PC terkunci',
    classification: 'malicious-code:ransomware', severity: 'critical', riskLevel: 'high' as const, vital: true, sector: 'health' as const, personalData: true, phase: 'containment' as const,
    detectedBy: 'user-report', foundAt: found, reportedAt: '2025-06-02T01:10:00.000Z', acknowledgedAt: '2025-06-02T01:15:00.000Z', containedAt: null, restoredAt: null, closedAt: null,
    closure: null, owner: 'analis', agencyId: 'rsud', firstResponseAt: null, createdBy: 'analis', createdAt: found, updatedAt: found, version: 1, ...over,
  };
  return {
    incident,
    reports: [{
      reference: 'LAP-250602-AAAAA', createdAt: '2025-06-02T01:10:00.000Z', reporterName: 'Sri', reporterWhatsapp: '+6281234567890', reporterRole: 'staff', symptoms: ['ransom-screen'],
      since: null, computers: '2-5', services: ['registration'], manualFallback: 'yes', actionsTaken: ['unplugged-cable'], location: 'PC loket 2', description: null,
    }],
    handler: { name: 'Analis Kota', position: null, phone: null, email: null },
    assets: [{ id: 'a1', ip: '198.18.2.10', name: 'LOKET-2', agencyCode: 'RSUD', os: 'Windows 7', osEol: true, smbv1: true, criticality: 'high', owner: null, linkedHow: 'ip', openFindings: [{ ruleId: 'doublepulsar', severity: 'critical', title: { id: 'DP', en: 'DP' }, firstSeen: found, lastSeen: found, port: 445 }] }],
    timeline: [
      { at: '2025-06-02T01:10:00.000Z', tz: 'Asia/Jakarta', source: 'reporter', kind: 'report-received', text: { id: 'Laporan masuk', en: 'Report received' }, includeInReport: true },
      { at: '2025-06-02T01:12:00.000Z', tz: 'Asia/Jakarta', source: 'user', kind: 'note', text: { id: 'catatan internal', en: 'internal note' }, includeInReport: false },
    ],
    impacts: [{ service: 'registration', downFrom: '2025-06-02T01:00:00.000Z', downTo: null, fallback: 'kertas', peopleAffected: 200 }],
    countermeasures: [{ kind: 'block-port', target: '445/tcp', device: 'core-sw-1', appliedBy: 'analis', appliedAt: '2025-06-02T02:00:00.000Z', removedAt: null }],
    requests: [],
    steps: [
      { playbook: 'ransomware-wannacry', version: 1, stepId: 'csirt-triage', role: 'city-csirt', title: { id: 'Pilah', en: 'Triage' }, required: true, doneBy: 'analis', doneAt: '2025-06-02T01:20:00.000Z', note: null },
      { playbook: 'ransomware-wannacry', version: 1, stepId: 'csirt-scan', role: 'city-csirt', title: { id: 'Pindai', en: 'Scan' }, required: true, doneBy: null, doneAt: null, note: null },
    ],
    scans: [],
    evidence: [{ kind: 'photo', name: 'layar.jpg', sha256: 'ab'.repeat(32), size: 1000, at: found }],
    regulatory: [],
    clocks: clocksOf({ foundAt: found, reportedAt: found, acknowledgedAt: null, firstResponseAt: null, containedAt: null, bssnReportSentAt: null, pdpNoticeSentAt: null, closedAt: null, vital: incident.vital, personalData: incident.personalData }, DEFAULT_CLOCK_POLICY, new Date(found)),
  };
}

test('the BSSN report holds the four mandatory parts, routing by sector with the national copy, and the deadline stamps', () => {
  const r = buildBssnReport(dossier(), DEFAULT_INCIDENT_SETTINGS, { type: 'initial', at: '2025-06-02T03:00:00.000Z', sequence: 0, assistance: 'remote' });
  assert.equal(r.header.reportNumber, 'INS-2025-0001/AWAL/1');
  assert.match(r.header.to, /Kesehatan/);
  assert.deepEqual(r.header.tembusan, ['TTIS Nasional (BSSN)']);
  assert.equal(r.header.sentAtLocal, '2025-06-02 10:00 WIB');
  assert.equal(r.reporterContact.reporter?.whatsapp, '+6281234567890');
  assert.equal(r.description.affectedAssets[0]?.ip, '198.18.2.10');
  assert.equal(r.description.reportable, true);
  assert.deepEqual(r.chronology.map((e) => e.kind), ['report-received'], 'only entries flagged for the report');
  assert.equal(r.impact.services[0]?.fallback, 'kertas');
  assert.equal(r.actions.stepsDone.length, 1);
  assert.equal(r.actions.planned[0]?.step, 'csirt-scan');
  assert.equal(r.technicalAnnex.vulnerabilities[0]?.ruleId, 'doublepulsar');
  assert.equal(r.technicalAnnex.evidence[0]?.sha256, 'ab'.repeat(32));
  assert.equal(r.deadlines.bssnDueAt, '2025-06-03T01:00:00.000Z');
  assert.equal(r.deadlines.pdpDueAt, '2025-06-05T01:00:00.000Z');
  assert.deepEqual(r.completeness, { reporterContact: true, description: true, chronology: true, impact: true, complete: true });
  assert.throws(() => buildBssnReport(dossier(), DEFAULT_INCIDENT_SETTINGS, { type: 'final', at: found, sequence: 1, assistance: 'none' }), /closed/);
  const gov = buildBssnReport(dossier({ sector: 'government-administration' }), DEFAULT_INCIDENT_SETTINGS, { type: 'update', at: found, sequence: 1, assistance: 'none' });
  assert.match(gov.header.to, /BSSN/);
  assert.equal(gov.header.reportNumber, 'INS-2025-0001/PERKEMBANGAN/2');
});

test('the personal-data notice draft says which systems, when and how, handling; only for flagged incidents', () => {
  const n = buildPdpNotice(dossier(), DEFAULT_INCIDENT_SETTINGS, '2025-06-02T03:00:00.000Z');
  assert.equal(n.dueAt, '2025-06-05T01:00:00.000Z');
  assert.equal(n.controller.code, 'RSUD');
  assert.equal(n.dataExposed.systems[0]?.service, 'registration');
  assert.ok(n.handlingAndRecovery.steps.length >= 2);
  assert.throws(() => buildPdpNotice(dossier({ personalData: false }), DEFAULT_INCIDENT_SETTINGS, found), /personal data/);
});

test('monthly statistics per agency: the month of discovery in the city\'s time zone, times in minutes', () => {
  const base = { classification: 'malicious-code:ransomware', vital: false, bssnReportSentAt: null, containedAt: null, restoredAt: null, acknowledgedAt: null };
  const items = [
    { ...base, agencyId: 'rsud', foundAt: '2025-06-01T01:00:00.000Z', reportedAt: '2025-06-01T01:30:00.000Z', acknowledgedAt: '2025-06-01T01:40:00.000Z', containedAt: '2025-06-01T05:00:00.000Z', vital: true, bssnReportSentAt: '2025-06-01T20:00:00.000Z' },
    { ...base, agencyId: 'rsud', foundAt: '2025-06-10T01:00:00.000Z', reportedAt: '2025-06-10T02:00:00.000Z', classification: 'fraud:phishing', vital: true },
    // 31 May 18:00 UTC is 1 June 01:00 WIB: June in the city.
    { ...base, agencyId: 'dinkes', foundAt: '2025-05-31T18:00:00.000Z', reportedAt: '2025-05-31T18:10:00.000Z' },
    { ...base, agencyId: 'dinkes', foundAt: '2025-05-31T16:00:00.000Z', reportedAt: '2025-05-31T16:10:00.000Z' },
  ];
  assert.equal(monthOf('2025-05-31T18:00:00.000Z', 'Asia/Jakarta'), '2025-06');
  const s = monthlyStats(items, '2025-06', 'Asia/Jakarta');
  assert.equal(s.incidents, 3);
  const rsud = s.agencies.find((a) => a.agencyId === 'rsud')!;
  assert.deepEqual(rsud.byClass, { 'malicious-code:ransomware': 1, 'fraud:phishing': 1 });
  assert.deepEqual(rsud.timeToReport, { n: 2, medianMinutes: 45, meanMinutes: 45, maxMinutes: 60 });
  assert.equal(rsud.timeToAcknowledge.medianMinutes, 10);
  assert.equal(rsud.timeToContain.n, 1);
  assert.deepEqual(rsud.bssn, { due: 2, onTime: 1, late: 0, notSent: 1 });
  assert.equal(s.agencies.find((a) => a.agencyId === 'dinkes')!.incidents, 1);
  assert.throws(() => monthlyStats(items, '2025-13', 'Asia/Jakarta'), /month/);
  assert.equal(localTime('2025-06-02T17:30:00.000Z', 'Asia/Makassar'), '2025-06-03 01:30 WITA');
});
