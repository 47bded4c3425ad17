// `perisai incident list|show|export` as a user runs it: a child process on the store, both dialects; the
// PDFs read back with pdftotext.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { storeSuite } from '../store/harness.js';
import { seedCity } from '../store/fixtures.js';
import { storeReport } from './fixture.js';
import { RANSOMWARE_WANNACRY } from '../../src/domain/playbooks/ransomware-wannacry.js';
import { pdfPages, pdfText } from '../../src/io/pdf/fixtures.js';

const FROM_TS = import.meta.url.endsWith('.ts');
const MAIN = fileURLToPath(new URL(`../../src/cli/main.${FROM_TS ? 'ts' : 'js'}`, import.meta.url));
const LOADER = FROM_TS ? ['--import', 'tsx'] : [];
const dir = mkdtempSync(join(tmpdir(), 'perisai-incident-cli-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function perisai(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [...LOADER, MAIN, ...args], { timeout: 60_000 }, (err, stdout, stderr) => {
      resolve({ code: err === null ? 0 : typeof err.code === 'number' ? err.code : 1, stdout, stderr });
    });
  });
}

storeSuite('perisai incident CLI', (env) => {
  it('lists, shows and exports the BSSN report and the personal-data notice; an unknown incident is a usage error', async () => {
    const url = await env.freshUrl();
    const s = await env.reopen(url);
    const city = await seedCity(s);
    await s.playbooks.ensureBuiltIns([RANSOMWARE_WANNACRY]);
    const { report } = await storeReport(s, city);
    const inc = await s.incidents.create('all', { agencyId: city.rsud.id, title: 'Ransomware di loket', createdBy: 'analis', fromReportId: report.id, classification: 'malicious-code:ransomware', vital: true, sector: 'health', personalData: true });
    await s.incidents.create('all', { agencyId: city.disdik.id, title: 'Phishing guru', createdBy: 'analis', classification: 'fraud:phishing' });
    const db = ['--db', url];

    const list = await perisai(['incident', 'list', ...db]);
    assert.equal(list.code, 0, list.stderr);
    assert.match(list.stdout, /^NUMBER\s+AGENCY\s+PHASE/);
    assert.match(list.stdout, /INS-\d{4}-0001\s+RSUD\s+triaged\s+malicious-code:ransomware\s+-\s+IIV PDP/);
    const only = await perisai(['incident', 'list', '--agency', 'DISDIK', '--format', 'json', ...db]);
    assert.deepEqual((JSON.parse(only.stdout) as { title: string }[]).map((x) => x.title), ['Phishing guru']);

    const show = await perisai(['incident', 'show', inc.number, ...db]);
    assert.equal(show.code, 0, show.stderr);
    assert.match(show.stdout, /bssn-report\s+running\s+due \d{4}-\d{2}-\d{2} \d{2}:\d{2} WIB/);
    assert.match(show.stdout, /Laporan LAP-/);

    const out = join(dir, `${env.dialect}-bssn.json`);
    const exp = await perisai(['incident', 'export', inc.number, '--type', 'initial', '--assistance', 'remote', '-o', out, ...db]);
    assert.equal(exp.code, 0, exp.stderr);
    const doc = JSON.parse(readFileSync(out, 'utf8')) as { header: { reportNumber: string; tembusan: string[] }; assistanceRequested: string; reporterContact: { reporter: { name: string } } };
    assert.equal(doc.header.reportNumber, `${inc.number}/AWAL/1`);
    assert.deepEqual(doc.header.tembusan, ['TTIS Nasional (BSSN)']);
    assert.equal(doc.assistanceRequested, 'remote');
    assert.equal(doc.reporterContact.reporter.name, 'Sri');
    const pdp = await perisai(['incident', 'export', inc.id, '--type', 'pdp', ...db]);
    assert.equal(pdp.code, 0, pdp.stderr);
    assert.match(pdp.stdout, /Pasal 46/);

    // The same documents as PDF, read back; the step cards of the attached playbook, one page per role.
    const pdfOut = join(dir, `${env.dialect}-bssn.pdf`);
    const expPdf = await perisai(['incident', 'export', inc.number, '--type', 'initial', '--format', 'pdf', '-o', pdfOut, ...db]);
    assert.equal(expPdf.code, 0, expPdf.stderr);
    const text = pdfText(readFileSync(pdfOut));
    for (const s of [`${inc.number}/AWAL/1`, 'LAPORAN INSIDEN SIBER', 'Sri', 'TTIS Sektor Kesehatan', 'D. Dampak serangan']) assert.ok(text.includes(s), `missing ${s}`);
    const pdpPdf = join(dir, `${env.dialect}-pdp.pdf`);
    assert.equal((await perisai(['incident', 'export', inc.number, '--type', 'pdp', '--format', 'pdf', '--lang', 'en', '-o', pdpPdf, ...db])).code, 0);
    assert.ok(pdfText(readFileSync(pdpPdf)).includes('NOTICE OF A PERSONAL-DATA PROTECTION FAILURE'));
    const cardsPdf = join(dir, `${env.dialect}-cards.pdf`);
    const cards = await perisai(['incident', 'export', inc.number, '--type', 'cards', '--format', 'pdf', '-o', cardsPdf, ...db]);
    assert.equal(cards.code, 0, cards.stderr);
    assert.equal(pdfPages(readFileSync(cardsPdf)).length, 3);
    assert.equal((await perisai(['incident', 'export', inc.number, '--type', 'cards', ...db])).code, 2, 'the cards are a PDF only');

    const missing = await perisai(['incident', 'show', 'INS-2099-0042', ...db]);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /incident "INS-2099-0042" not found/);
    const final = await perisai(['incident', 'export', inc.number, '--type', 'final', ...db]);
    assert.equal(final.code, 2, 'a final report needs a closed incident');
  });
});
