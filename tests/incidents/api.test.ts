// Triage through the API on SQLite and PostgreSQL, end to end with the real worker step: a public report
// becomes an incident; classification attaches the WannaCry playbook; assets are linked by IP, name and
// unit and show their scan facts and open findings; steps are ticked by role; the playbook's scan step
// starts a ransomware-profile scan whose finalize links a new DoublePulsar finding and puts the result on
// the timeline; phases move by the table; closing needs its criteria; the status link follows; the BSSN
// report (as data and as a PDF read back) and the personal-data notice come out. An officer of another
// agency gets 404.

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { CLOSURE_CRITERIA } from '../../src/domain/incident.js';
import { pdfText } from '../../src/io/pdf/fixtures.js';
import { finalizeJob } from '../../src/worker/finalize.js';
import { login, seedWorld } from '../api/fixture.js';
import { storeSuite } from '../store/harness.js';
import { status, submitReport, TEST_POW } from './helpers.js';
import type { Submitted } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'perisai-incident-api-'));
after(() => rmSync(dir, { recursive: true, force: true }));

interface Run { id: string; key: string; steps: { id: string; status: string; doneBy: string | null; scanJobId: string | null; role: string }[] }
interface Detail {
  incident: { id: string; phase: string; number: string; classification: string | null; containedAt: string | null };
  nextPhases: string[];
  clocks: { id: string; state: string; dueAt: string }[];
  reports: { reference: string }[];
  assets: { ip: string; how: string; openFindings: { ruleId: string; linked: boolean }[]; smb: { smbv1?: boolean } | null }[];
  playbooks: Run[];
  scans: { jobId: string; resultRecordedAt: string | null }[];
}

storeSuite('incident triage API', (env) => {
  test('report → incident → playbook with its scan step against the agency network → auto-link → closed; the status link follows each change', async () => {
    const store = await env.open();
    const w = await seedWorld(store, { incidents: { dataDir: dir, publicReports: { pow: TEST_POW } } });
    try {
      const sub = (await submitReport(w.app)).json() as Submitted;
      const analyst = await login(w.app, 'analis');
      const officer = await login(w.app, 'petugas.dinkes');
      const foreign = await login(w.app, 'petugas.disdik');

      const queue = (await analyst.req('GET', '/api/v1/incident-reports?status=new')).json() as { items: { id: string; reference: string }[] };
      const report = queue.items.find((x) => x.reference === sub.reference)!;
      assert.ok(report);
      assert.equal((await foreign.req('GET', `/api/v1/incident-reports/${report.id}`)).statusCode, 404, 'an officer of another agency gets 404');
      assert.equal(((await foreign.req('GET', '/api/v1/incident-reports')).json() as { items: unknown[] }).items.length, 0);
      assert.equal((await officer.req('GET', `/api/v1/incident-reports/${report.id}`)).statusCode, 200, 'RSUD is under Dinkes: the Dinkes officer sees it');
      assert.equal((await officer.req('POST', `/api/v1/incident-reports/${report.id}/open-incident`, {})).statusCode, 403, 'triage is the city CSIRT\'s');

      const opened = await analyst.req('POST', `/api/v1/incident-reports/${report.id}/open-incident`, { title: 'Ransomware di loket pendaftaran RSUD' });
      assert.equal(opened.statusCode, 201, opened.body);
      const incId = (opened.json() as { id: string }).id;
      assert.equal((await foreign.req('GET', `/api/v1/incidents/${incId}`)).statusCode, 404);
      assert.equal((await foreign.req('POST', `/api/v1/incidents/${incId}/timeline`, { text: 'penyusup' })).statusCode, 404);
      assert.equal((await status(w.app, sub.statusToken)).json().status, 'linked');

      const patched = await analyst.req('PATCH', `/api/v1/incidents/${incId}`, { classification: 'malicious-code:ransomware', severity: 'critical', riskLevel: 'high', vital: true, sector: 'health', personalData: true });
      assert.equal(patched.statusCode, 200, patched.body);
      const bad = await analyst.req('PATCH', `/api/v1/incidents/${incId}`, { classification: 'alien' });
      assert.equal(bad.statusCode, 400);
      assert.match(bad.json().error.messageId, /Klasifikasi tidak dikenal/);

      // Assets by IP, by name, by unit.
      assert.equal((await officer.req('POST', `/api/v1/incidents/${incId}/assets`, { ip: '198.18.2.10' })).statusCode, 200);
      assert.equal((await officer.req('POST', `/api/v1/incidents/${incId}/assets`, { name: 'dinkes-pc1' })).json().linked, 1);
      assert.equal((await officer.req('POST', `/api/v1/incidents/${incId}/assets`, { ip: '198.18.3.10' })).statusCode, 404, 'another agency\'s asset is not found');
      let d = (await officer.req('GET', `/api/v1/incidents/${incId}`)).json() as Detail;
      assert.deepEqual(d.assets.map((a) => [a.ip, a.how]), [['198.18.1.11', 'name'], ['198.18.2.10', 'ip']]);
      const rsudAsset = d.assets.find((a) => a.ip === '198.18.2.10')!;
      assert.deepEqual(rsudAsset.openFindings.map((f) => f.ruleId).sort(), ['exposure-smb', 'ms17-010', 'smbv1']);
      assert.equal(rsudAsset.smb?.smbv1, true);
      assert.deepEqual(d.clocks.map((c) => c.id).sort(), ['acknowledge', 'bssn-report', 'containment', 'first-response', 'pdp-notice']);
      const run = d.playbooks[0]!;
      assert.equal(run.key, 'ransomware-wannacry');

      // Steps by role.
      const tick = (who: typeof officer, stepId: string) => who.req('POST', `/api/v1/incidents/${incId}/steps`, { runId: run.id, stepId, note: 'selesai' });
      assert.equal((await tick(officer, 'it-acknowledge')).statusCode, 200);
      assert.equal((await tick(officer, 'csirt-triage')).statusCode, 403, 'city CSIRT steps are the CSIRT\'s');
      const early = await tick(officer, 'it-eradicate');
      assert.equal(early.statusCode, 400);
      assert.match(early.json().error.message, /must follow/);
      assert.equal((await tick(analyst, 'csirt-triage')).statusCode, 200);

      // The scan step: a ransomware-profile scan of the agency's registered networks.
      const scan = await analyst.req('POST', `/api/v1/incidents/${incId}/scan`, { runId: run.id, stepId: 'csirt-scan', overrideWindow: true });
      assert.equal(scan.statusCode, 201, scan.body);
      const { jobId, targets } = scan.json() as { jobId: string; targets: string[] };
      assert.deepEqual(targets, ['198.18.2.0/24']);
      const job = await store.scans.getJob('all', jobId);
      assert.equal(job.profile, 'ransomware');
      assert.ok(job.ports.includes(445) && job.ports.includes(3389));
      // The worker's part, done here by the real finalize step: the scan saw DoublePulsar on a new host.
      await store.scans.setJobStatus('all', jobId, 'running');
      await store.observations.ingestBatch({
        jobId, observations: [
          { type: 'port', ip: '198.18.2.77', port: 445, proto: 'tcp', state: 'open', reason: 'syn-ack', service: 'microsoft-ds' },
          { type: 'check', ip: '198.18.2.77', port: 445, check: 'doublepulsar', state: 'vulnerable', reason: 'Trans2 SESSION_SETUP answered with multiplex id 0x51', evidence: { arch: 'x64' } },
          { type: 'host', ip: '198.18.2.77', state: 'up', reason: 'syn-ack', open: 1, closed: 0, filtered: 0 },
        ],
      });
      assert.ok(await finalizeJob(store, jobId));
      d = (await analyst.req('GET', `/api/v1/incidents/${incId}`)).json() as Detail;
      const dp = d.assets.find((a) => a.ip === '198.18.2.77');
      assert.equal(dp?.how, 'auto', 'the DoublePulsar host was linked by the scan');
      assert.deepEqual(dp?.openFindings.filter((f) => f.linked).map((f) => f.ruleId), ['doublepulsar']);
      assert.equal(d.playbooks[0]!.steps.find((s) => s.id === 'csirt-scan')?.scanJobId, jobId);
      assert.ok(d.scans[0]?.resultRecordedAt !== null);
      const timeline = (await analyst.req('GET', `/api/v1/incidents/${incId}/timeline`)).json() as { items: { kind: string; source: string; text: { id: string } }[] };
      const kinds = timeline.items.map((e) => e.kind);
      for (const k of ['incident-opened', 'report-received', 'classified', 'playbook-attached', 'asset-linked', 'step-done', 'scan-started', 'finding-linked', 'scan-result']) assert.ok(kinds.includes(k), `${k} on the timeline`);
      assert.match(timeline.items.find((e) => e.kind === 'scan-result')!.text.id, /DoublePulsar 1/);

      // Records, messages, decisions.
      assert.equal((await officer.req('POST', `/api/v1/incidents/${incId}/countermeasures`, { kind: 'block-port', target: '445/tcp', device: 'router RSUD' })).statusCode, 201);
      assert.equal((await officer.req('POST', `/api/v1/incidents/${incId}/impacts`, { service: 'registration', downFrom: '2025-06-02T01:00:00.000Z', fallback: 'formulir kertas' })).statusCode, 201);
      assert.equal((await officer.req('POST', `/api/v1/incidents/${incId}/messages`, { text: 'Jangan nyalakan ulang PC; tim datang' })).json().sent, 1);
      assert.equal((await analyst.req('POST', `/api/v1/incidents/${incId}/reconnect`, { decision: 'refused', note: 'DoublePulsar masih ada' })).statusCode, 201);
      assert.equal((await officer.req('POST', `/api/v1/incidents/${incId}/reconnect`, { decision: 'approved' })).statusCode, 403);

      // Phases by the table; each change reaches the status link.
      assert.equal((await analyst.req('POST', `/api/v1/incidents/${incId}/phase`, { to: 'recovery' })).statusCode, 400);
      for (const to of ['containment', 'eradication', 'recovery']) {
        const r = await analyst.req('POST', `/api/v1/incidents/${incId}/phase`, { to });
        assert.equal(r.statusCode, 200, r.body);
        const s = (await status(w.app, sub.statusToken)).json() as { phase: string; messages: { text: string }[] };
        assert.equal(s.phase, to);
      }
      const missing = await analyst.req('POST', `/api/v1/incidents/${incId}/close`, { declaredBy: 'Kabid Persandian', lessons: 'SMBv1 dimatikan di semua PC loket; pemindaian mingguan.', criteria: [] });
      assert.equal(missing.statusCode, 400);
      assert.match(missing.json().error.messageId, /kriteria penutupan/);
      const closed = await analyst.req('POST', `/api/v1/incidents/${incId}/close`, {
        declaredBy: 'Kabid Persandian', position: 'Diskominfo', lessons: 'SMBv1 dimatikan di semua PC loket; pemindaian mingguan.',
        criteria: CLOSURE_CRITERIA.map((id) => ({ id, answer: 'met' })),
      });
      assert.equal(closed.statusCode, 200, closed.body);
      const final = (await status(w.app, sub.statusToken)).json() as { phase: string; phaseLabel: { id: string }; messages: { text: string }[] };
      assert.equal(final.phase, 'closed');
      assert.equal(final.phaseLabel.id, 'Selesai');
      assert.ok(final.messages.some((m) => m.text.includes('Jangan nyalakan ulang')));

      // The documents.
      const bssn = (await officer.req('GET', `/api/v1/incidents/${incId}/bssn-report`)).json() as {
        header: { type: string; to: string; tembusan: string[] }; completeness: Record<string, boolean>; technicalAnnex: { vulnerabilities: { ruleId: string }[] }; chronology: unknown[];
      };
      assert.equal(bssn.header.type, 'final');
      assert.match(bssn.header.to, /Kesehatan/);
      assert.deepEqual(bssn.completeness, { reporterContact: true, description: true, chronology: true, impact: true, complete: true });
      assert.ok(bssn.technicalAnnex.vulnerabilities.some((v) => v.ruleId === 'doublepulsar'));
      // The same final report as PDF, read back: the four mandatory parts, present, and the lab's implant.
      const pdfRes = await officer.req('GET', `/api/v1/incidents/${incId}/bssn-report.pdf`);
      assert.equal(pdfRes.headers['content-type'], 'application/pdf');
      const pdfTextOut = pdfText(pdfRes.rawPayload);
      for (const part of ['Laporan akhir', 'A. Informasi kontak pelapor', 'B. Deskripsi insiden siber', 'C. Kronologi insiden siber', 'D. Dampak serangan', 'doublepulsar']) assert.ok(pdfTextOut.includes(part), `PDF: missing ${part}`);
      assert.equal((pdfTextOut.match(/✓ ada/g) ?? []).length, 4);
      const pdp = await officer.req('GET', `/api/v1/incidents/${incId}/pdp-notice`);
      assert.equal(pdp.statusCode, 200);
      assert.equal((await foreign.req('GET', `/api/v1/incidents/${incId}/bssn-report`)).statusCode, 404);
      const month = new Date().toISOString().slice(0, 7);
      const stats = (await analyst.req('GET', `/api/v1/incident-stats?month=${month}`)).json() as { incidents: number; agencies: { code: string; byClass: Record<string, number> }[] };
      assert.equal(stats.incidents, 1);
      assert.equal(stats.agencies[0]?.code, 'RSUD');
      assert.equal(((await foreign.req('GET', `/api/v1/incident-stats?month=${month}`)).json() as { incidents: number }).incidents, 0);
      const link = (await officer.req('GET', `/api/v1/agencies/${w.city.rsud.id}/report-link`)).json() as { path: string; qrSvg: string };
      assert.equal(link.path, '/lapor?unit=RSUD');
      assert.match(link.qrSvg, /^<svg/);
    } finally {
      await w.app.close();
    }
  });
});
