import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isPerisaiError } from './errors.js';
import {
  assertPhaseMove, canMovePhase, CLOSURE_CRITERIA, incidentNumber, locationKey, PHASE_TRANSITIONS, PHASES, reportReference, suggestDuplicates, validateClosure,
  validateReportInput,
} from './incident.js';

const NOW = new Date('2025-06-02T03:00:00.000Z');

const form = {
  unitCode: 'rsud', symptoms: ['ransom-screen', 'strange-file-names'], since: '2025-06-02T02:30:00+07:00', computers: '2-5', services: ['registration', 'medical-records'],
  manualFallback: 'yes', actionsTaken: ['unplugged-cable', 'photographed'], location: ' PC Loket-2, ruang pendaftaran ', reporterName: ' Sri Wahyuni ',
  reporterWhatsapp: '0812-3456-7890',
};

test('a report from the form is normalised: unit code upper-cased, phone in E.164, texts trimmed, defaults filled', () => {
  const r = validateReportInput(form, NOW);
  assert.equal(r.unitCode, 'RSUD');
  assert.equal(r.reporterWhatsapp, '+6281234567890');
  assert.equal(r.reporterName, 'Sri Wahyuni');
  assert.equal(r.location, 'PC Loket-2, ruang pendaftaran');
  assert.equal(r.since, '2025-06-01T19:30:00.000Z');
  assert.equal(r.reporterRole, 'staff');
  assert.deepEqual(r.symptoms, ['ransom-screen', 'strange-file-names']);
});

test('bad report input is refused naming the field', () => {
  const field = (f: () => unknown) => {
    try {
      f();
    } catch (e) {
      assert.ok(isPerisaiError(e, 'E_VALIDATION'));
      return e.details['field'];
    }
    assert.fail('accepted');
  };
  assert.equal(field(() => validateReportInput({ ...form, symptoms: [] }, NOW)), 'symptoms');
  assert.equal(field(() => validateReportInput({ ...form, symptoms: ['kiamat'] }, NOW)), 'symptoms');
  assert.equal(field(() => validateReportInput({ ...form, reporterWhatsapp: 'tidak ada' }, NOW)), 'reporterWhatsapp');
  assert.equal(field(() => validateReportInput({ ...form, since: '2025-06-03T00:00:00Z' }, NOW)), 'since');
  assert.equal(field(() => validateReportInput({ ...form, reporterName: '   ' }, NOW)), 'reporterName');
  assert.equal(field(() => validateReportInput({ ...form, location: 'a\u0007b' }, NOW)), 'location');
  assert.equal(field(() => validateReportInput({ ...form, symptoms: ['other'] }, NOW)), 'symptomOther');
  assert.equal(field(() => validateReportInput({ ...form, services: ['registration', 'bioskop'] }, NOW)), 'services');
});

test('reference numbers carry the day and five Crockford base32 characters; incident numbers count per year', () => {
  const ref = reportReference('2025-06-02', new Uint8Array([0, 31, 8, 18, 255]));
  assert.equal(ref, 'LAP-250602-0Z8JZ');
  assert.match(ref, /^LAP-\d{6}-[0-9A-HJKMNP-TV-Z]{5}$/);
  assert.equal(incidentNumber(2025, 7), 'INS-2025-0007');
});

test('phase moves follow the transition table; closed is final', () => {
  for (const from of PHASES) for (const to of PHASES) assert.equal(canMovePhase(from, to), PHASE_TRANSITIONS[from].includes(to));
  assert.ok(canMovePhase('new', 'triaged'));
  assert.ok(!canMovePhase('new', 'recovery'));
  assert.ok(canMovePhase('eradication', 'containment'), 're-infection goes back to containment');
  assert.throws(() => assertPhaseMove('closed', 'triaged'), /closed is final/);
  assert.throws(() => assertPhaseMove('new', 'closed'), /allowed: triaged/);
});

test('closing needs a named person, every criterion met or explained as not applicable, and lessons', () => {
  const all = CLOSURE_CRITERIA.map((id) => ({ id, answer: 'met' }));
  const c = validateClosure({ declaredBy: 'Budi Santoso', position: 'Kabid Persandian', criteria: all, lessons: 'SMBv1 masih aktif di 12 PC; jadwalkan pemindaian mingguan.' }, NOW.toISOString());
  assert.equal(c.criteria.length, CLOSURE_CRITERIA.length);
  assert.equal(c.declaredBy, 'Budi Santoso');
  assert.throws(() => validateClosure({ declaredBy: '', criteria: all, lessons: 'x'.repeat(30) }, ''), /declaredBy/);
  assert.throws(() => validateClosure({ declaredBy: 'B', criteria: all.slice(1), lessons: 'x'.repeat(30) }, ''), /missing: rescan-clean/);
  assert.throws(() => validateClosure({ declaredBy: 'B', criteria: [{ id: 'rescan-clean', answer: 'not-met' }, ...all.slice(1)], lessons: 'x'.repeat(30) }, ''), /not met/);
  assert.throws(() => validateClosure({ declaredBy: 'B', criteria: [{ id: 'rescan-clean', answer: 'not-applicable' }, ...all.slice(1)], lessons: 'x'.repeat(30) }, ''), /say why/);
  assert.throws(() => validateClosure({ declaredBy: 'B', criteria: all, lessons: 'pendek' }, ''), /lessons/);
});

test('duplicates: same unit within the window; the same computer first; a different named computer is not suggested', () => {
  const base = { agencyId: 'rsud', createdAt: '2025-06-02T03:00:00.000Z', location: 'PC loket 2' };
  const others = [
    { id: 'b', agencyId: 'rsud', createdAt: '2025-06-02T03:20:00.000Z', location: null },
    { id: 'c', agencyId: 'rsud', createdAt: '2025-06-02T04:00:00.000Z', location: 'pc LOKET-2' },
    { id: 'd', agencyId: 'rsud', createdAt: '2025-06-02T03:05:00.000Z', location: 'PC farmasi' },
    { id: 'e', agencyId: 'dinkes', createdAt: '2025-06-02T03:01:00.000Z', location: 'PC loket 2' },
    { id: 'f', agencyId: 'rsud', createdAt: '2025-06-02T12:00:00.000Z', location: 'PC loket 2' },
  ];
  assert.deepEqual(suggestDuplicates({ id: 'a', ...base }, others), [{ reportId: 'c', match: 'same-asset' }, { reportId: 'b', match: 'same-unit' }]);
  assert.equal(locationKey(' PC Loket-2 '), 'pc loket 2');
  assert.equal(locationKey('  '), null);
});
