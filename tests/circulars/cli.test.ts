// `perisai circular list|show|export` as a user runs it: a child process on the store, both dialects.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { validateAnswer } from '../../src/domain/circular.js';
import { storeSuite } from '../store/harness.js';
import { AUTH, seedCity } from '../store/fixtures.js';
import { cityContent } from './fixture.js';

const FROM_TS = import.meta.url.endsWith('.ts');
const MAIN = fileURLToPath(new URL(`../../src/cli/main.${FROM_TS ? 'ts' : 'js'}`, import.meta.url));
const LOADER = FROM_TS ? ['--import', 'tsx'] : [];
const dir = mkdtempSync(join(tmpdir(), 'perisai-circular-cli-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function perisai(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [...LOADER, MAIN, ...args], { timeout: 60_000 }, (err, stdout, stderr) => {
      resolve({ code: err === null ? 0 : typeof err.code === 'number' ? err.code : 1, stdout, stderr });
    });
  });
}

storeSuite('perisai circular CLI', (env) => {
  it('lists, shows the board with the contradicted hosts, exports the letter, board and answers; an unknown circular is a usage error', async () => {
    const url = await env.freshUrl();
    const s = await env.reopen(url);
    const city = await seedCity(s);
    const net = await s.networks.add('all', { agencyId: city.rsud.id, cidr: '198.18.10.0/24', ...AUTH });
    const c = await s.circulars.create({ content: cityContent({ audience: { kind: 'list', agencyIds: [city.rsud.id, city.disdik.id] } }) }, 'admin');
    await s.circulars.create({ content: cityContent() }, 'admin');
    const sent = await s.circulars.send(c.id, { agencyIds: [city.rsud.id, city.disdik.id], by: 'admin', message: (r) => ({ topic: 'circular.sent', dedupKey: `circular.sent:${c.id}:${r.agencyId}:v${r.version}`, agencyId: r.agencyId, payload: {} }) });
    const item = sent.content.items.find((i) => i.code === 'ms17-010')!;
    await s.circulars.answer(c.id, city.rsud.id, 'ms17-010', validateAnswer(item, { status: 'done', note: 'semua PC, "kata" Kepala' }, { circularStatus: 'sent', now: new Date() }), { actor: 'kepala', via: 'link' });
    const later = new Date(Date.now() + 60_000).toISOString();
    const [u] = await s.assets.upsertObserved('all', { agencyId: city.rsud.id, hosts: [{ ip: '198.18.10.7' }], at: later });
    await s.findings.applyScan({ jobId: 'j1', at: later, assets: [{ assetId: u!.assetId, agencyId: city.rsud.id, scan: { closedPorts: [], signals: [{ ruleId: 'ms17-010', port: 445, title: { id: 'x', en: 'x' }, input: { kind: 'detected', severity: 'critical' } }] } }] });
    await s.circulars.recordNetworkChecks([{ networkId: net.id, agencyId: city.rsud.id, ruleId: 'ms17-010', jobId: 'j1', finishedAt: later, unknownIps: [] }]);
    await s.circulars.verifyAgency(c.id, city.rsud.id);
    const db = ['--db', url];

    const list = await perisai(['circular', 'list', ...db]);
    assert.equal(list.code, 0, list.stderr);
    assert.match(list.stdout, /^NUMBER\s+STATUS\s+VERSION/);
    assert.match(list.stdout, /800\/001\/DISKOMINFO\/\d{4}\s+sent\s+v1/);
    assert.match(list.stdout, /\(draft\)\s+draft/);
    const drafts = await perisai(['circular', 'list', '--status', 'draft', '--format', 'json', ...db]);
    assert.deepEqual((JSON.parse(drafts.stdout) as { status: string }[]).map((x) => x.status), ['draft']);

    const show = await perisai(['circular', 'show', sent.number!, ...db]);
    assert.equal(show.code, 0, show.stderr);
    assert.match(show.stdout, /agencies 2: acknowledged 0, complete 0, contradicted 1, cleared 0/);
    assert.match(show.stdout, /RSUD\s+no\s+todo\/\.\s+/);
    assert.match(show.stdout, /RSUD ms17-010: 198\.18\.10\.7/);

    const letterFile = join(dir, `${env.dialect}-letter.json`);
    const exp = await perisai(['circular', 'export', c.id, '--agency', 'RSUD', '-o', letterFile, ...db]);
    assert.equal(exp.code, 0, exp.stderr);
    const letter = JSON.parse(readFileSync(letterFile, 'utf8')) as { number: string; agency: { code: string }; items: { code: string; dueAt: string }[]; signatory: { nip: string } };
    assert.equal(letter.number, sent.number);
    assert.equal(letter.agency.code, 'RSUD');
    assert.equal(letter.items.length, 8);
    assert.ok(letter.items.every((i) => typeof i.dueAt === 'string'));
    const board = JSON.parse((await perisai(['circular', 'export', sent.number!, '--type', 'board', ...db])).stdout) as { rows: { agencyId: string; items: { code: string; verification: string; hosts: string[] }[] }[] };
    assert.deepEqual(board.rows.find((r) => r.agencyId === city.rsud.id)!.items.find((i) => i.code === 'ms17-010')!.hosts, ['198.18.10.7']);
    const csv = await perisai(['circular', 'export', c.id, '--type', 'answers', ...db]);
    assert.match(csv.stdout, /^agency,item,status,verification,why,hosts/);
    assert.match(csv.stdout, /RSUD,ms17-010,done,contradicted,,198\.18\.10\.7,none/);
    assert.match(csv.stdout, /"semua PC, ""kata"" Kepala"/);

    const unknown = await perisai(['circular', 'show', '999/999/X/2017', ...db]);
    assert.equal(unknown.code, 2, unknown.stdout + unknown.stderr);
    assert.match(unknown.stderr, /not found|tidak ditemukan/);
  });
});
