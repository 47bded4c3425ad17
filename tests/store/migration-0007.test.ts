// Migration 0007_tri_state_facts on a store written by the previous version (schema 0006, rows as the old
// observation parser stored them): a stored SMBv1 `false` that no answer backs reads back as unknown
// (null, with the check's reason), a real "no" stays "no", assets get "SMB open" and jobs their check
// lists, and trend days recorded before the "SMB open" count read it as null — on SQLite and PostgreSQL.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Kysely } from 'kysely';
import { openDialect, parseStoreUrl } from '../../src/store/dialect.js';
import { migrator } from '../../src/store/migrations.js';
import { storeSuite } from './harness.js';

const T = '2025-06-01T01:00:00.000Z';
const TIMEOUT = 'SMB1 probe failed: io-timeout at negotiate (no complete answer before the deadline)';

// The tables as schema 0006 has them (the columns this test writes).
interface OldDb {
  agencies: { id: string; parent_id: string | null; kind: string; code: string; name: string; notes: string | null; retired_at: string | null; created_at: string; updated_at: string };
  scan_jobs: {
    id: string; agency_id: string; network_id: string | null; schedule_id: string | null; profile: string; targets: string; ports: string; vantage: string; zone: string | null;
    seed: string; requested_by: string; status: string; planned: number; created_at: string; started_at: string | null; finished_at: string | null; error: string | null; summary: string | null;
  };
  observations: { job_id: string; task_id: string | null; ip: string; kind: string; port: number; key: string; state: string; reason: string | null; data: string | null; observed_at: string };
  assets: {
    id: string; agency_id: string; network_id: string | null; ip: string; ip_key: string; mac: string | null; netbios_name: string | null; dns_name: string | null; os: string | null;
    smb: string | null; criticality: string; owner: string | null; tags: string; outside_control: unknown; responsible_party: string | null; risk_rating: string | null;
    risk_reasons: string | null; first_seen: string; last_seen: string; last_job_id: string | null; retired_at: string | null; created_at: string; updated_at: string;
  };
  exposure_daily: { day: string; agency_id: string; hosts_known: number; hosts_scanned: number; exposed_smb: number; smbv1: number; ms17010: number; double_pulsar: number; unknown: number; recorded_at: string };
}

storeSuite('migration 0007: three-valued facts in a store written before it', (env) => {
  test('false without an answer behind it becomes unknown; a real "no" stays; smb_open, job checks and the trend column are filled', async () => {
    const url = await env.freshUrl();
    const d = openDialect(parseStoreUrl(url));
    const json = (v: unknown) => d.json(v);
    try {
      const r = await migrator(d).migrateTo('0006_findings_recent');
      assert.equal(r.error, undefined);
      const db = d.db as unknown as Kysely<OldDb>;
      await db.insertInto('agencies').values({ id: 'a1', parent_id: null, kind: 'opd', code: 'DINKES', name: 'Dinas Kesehatan', notes: null, retired_at: null, created_at: T, updated_at: T }).execute();
      const job = (id: string, profile: string, ports: number[]) => ({
        id, agency_id: 'a1', network_id: null, schedule_id: null, profile, targets: json(['198.18.1.0/24']), ports: json(ports), vantage: 'internal', zone: null,
        seed: '1', requested_by: 'uji', status: 'completed', planned: 256 * ports.length, created_at: T, started_at: T, finished_at: T, error: null, summary: null,
      });
      await db.insertInto('scan_jobs').values([job('j1', 'ransomware', [139, 445]), job('j2', 'ports', [80])]).execute();
      const obs = (ip: string, kind: string, port: number, key: string, state: string, reason: string | null, data: unknown) =>
        ({ job_id: 'j1', task_id: null, ip, kind, port, key, state, reason, data: data === null ? null : json(data), observed_at: T });
      await db.insertInto('observations').values([
        // .7: the SMB conversation timed out; the old parser stored smbv1 false (no dialects).
        obs('198.18.1.7', 'port', 445, '', 'open', 'syn-ack', null),
        obs('198.18.1.7', 'check', 445, 'smbv1', 'unknown', TIMEOUT, { reasonCode: 'timeout' }),
        obs('198.18.1.7', 'fact', 0, 'smb', '', null, { dialects: [], smbv1: false, signing: 'unknown' }),
        // .8: SMB1 timed out but SMB2 answered: a dialect list, and still no SMBv1 answer.
        obs('198.18.1.8', 'port', 445, '', 'open', 'syn-ack', null),
        obs('198.18.1.8', 'check', 445, 'smbv1', 'unknown', TIMEOUT, null),
        obs('198.18.1.8', 'fact', 0, 'smb', '', null, { dialects: ['2.0.2', '2.1'], smbv1: false, signing: 'enabled' }),
        // .9: SMBv1 refused (DialectIndex 0xFFFF): a real "no" on every port.
        obs('198.18.1.9', 'port', 139, '', 'closed', 'conn-refused', null),
        obs('198.18.1.9', 'check', 445, 'smbv1', 'not-vulnerable', 'the server refused NT LM 0.12', null),
        obs('198.18.1.9', 'fact', 0, 'smb', '', null, { dialects: ['2.1', '3.1.1'], smbv1: false, signing: 'required' }),
        // .10: SMBv1 on.
        obs('198.18.1.10', 'port', 139, '', 'open', 'syn-ack', null),
        obs('198.18.1.10', 'check', 139, 'smbv1', 'vulnerable', 'accepted NT LM 0.12', null),
        obs('198.18.1.10', 'fact', 0, 'smb', '', null, { dialects: ['NT LM 0.12'], smbv1: true, signing: 'disabled' }),
        // .11: false, no dialects, and no smbv1 verdict in the job: nothing backs it.
        obs('198.18.1.11', 'fact', 0, 'smb', '', null, { dialects: [], smbv1: false, signing: 'unknown' }),
      ]).execute();
      const asset = (id: string, ip: string, smb: unknown, lastJob: string | null) => ({
        id, agency_id: 'a1', network_id: null, ip, ip_key: `v4:${ip}`, mac: null, netbios_name: null, dns_name: null, os: null, smb: json(smb), criticality: 'internal',
        owner: null, tags: json([]), outside_control: d.bool(false), responsible_party: null, risk_rating: 'unknown', risk_reasons: null,
        first_seen: T, last_seen: T, last_job_id: lastJob, retired_at: null, created_at: T, updated_at: T,
      });
      await db.insertInto('assets').values([
        asset('A', '198.18.1.7', { dialects: [], smbv1: false, signing: 'unknown' }, 'j1'),
        asset('B', '198.18.1.8', { dialects: ['2.0.2', '2.1'], smbv1: false, signing: 'enabled' }, 'j1'),
        asset('C', '198.18.1.9', { dialects: ['2.1', '3.1.1'], smbv1: false, signing: 'required' }, 'j1'),
        asset('D', '198.18.1.10', { dialects: ['NT LM 0.12'], smbv1: true, signing: 'disabled' }, 'j1'),
        asset('F', '198.18.1.20', { dialects: [], smbv1: false, signing: 'unknown' }, null),
        asset('G', '198.18.1.21', { dialects: ['2.1'], smbv1: false, signing: 'required' }, 'j2'),
      ]).execute();
      await db.insertInto('exposure_daily').values({ day: '2025-06-01', agency_id: 'a1', hosts_known: 6, hosts_scanned: 6, exposed_smb: 0, smbv1: 1, ms17010: 0, double_pulsar: 0, unknown: 4, recorded_at: T }).execute();
    } finally {
      await d.close();
    }

    const store = await env.reopen(url); // applies 0007
    assert.ok((await store.migrations()).some((m) => m.name === '0007_tri_state_facts' && m.executedAt !== null));
    const smb = async (id: string) => (await store.assets.get('all', id)).smb;
    assert.deepEqual(await smb('A'), { smbv1: null, smbv1Reason: TIMEOUT, signing: null, dialects: null, dialectsComplete: false });
    assert.deepEqual(await smb('B'), { smbv1: null, smbv1Reason: TIMEOUT, signing: 'enabled', dialects: ['2.0.2', '2.1'], dialectsComplete: false });
    assert.deepEqual(await smb('C'), { smbv1: false, signing: 'required', dialects: ['2.1', '3.1.1'], dialectsComplete: false });
    assert.deepEqual(await smb('D'), { smbv1: true, signing: 'disabled', dialects: ['NT LM 0.12'], dialectsComplete: false });
    assert.equal((await smb('F'))?.smbv1, null, 'no scan and no dialects behind it');
    assert.equal((await smb('G'))?.smbv1, false, 'its scan did not examine SMB; the dialect list stands behind the stored no');

    // The observations themselves (what exports replay and finalize reads).
    const facts = new Map((await store.observations.list('all', 'j1', { kind: 'fact' })).map((o) => [o.ip, o.type === 'fact' ? o.value : undefined]));
    assert.deepEqual(['198.18.1.7', '198.18.1.8', '198.18.1.9', '198.18.1.10', '198.18.1.11'].map((ip) => facts.get(ip)?.['smbv1']), [null, null, false, true, null]);
    assert.equal(facts.get('198.18.1.7')?.['smbv1Reason'], TIMEOUT);

    // "SMB open" at the last scan: only where that scan probed 139/445.
    const open = await Promise.all(['A', 'B', 'C', 'D', 'F', 'G'].map(async (id) => (await store.assets.get('all', id)).smbOpen));
    assert.deepEqual(open, [true, true, false, true, null, null]);
    assert.equal((await store.dashboard.exposureByAgency('all'))[0]?.smbOpen, 3);
    // Jobs carry the checks they ran; the trend's older days have no "SMB open" count (null, not 0).
    assert.deepEqual((await store.scans.getJob('all', 'j1')).checks, ['doublepulsar', 'ms17-010', 'netbios-ns', 'rdp-exposed', 'smb-os-eol', 'smb-signing', 'smbv1']);
    assert.deepEqual((await store.scans.getJob('all', 'j2')).checks, []);
    const [day] = await store.dashboard.trend('all', { from: '2025-06-01', to: '2025-06-01' });
    assert.deepEqual([day?.smbOpen, day?.smbReachableOutside, day?.unknown], [null, 0, 4]);
    await store.dashboard.recordDay('2025-06-02');
    assert.equal((await store.dashboard.trend('all', { from: '2025-06-02', to: '2025-06-02' }))[0]?.smbOpen, 3);
    await store.close();

    // `down` takes the columns away again (development only) and `up` re-applies cleanly.
    const d2 = openDialect(parseStoreUrl(url));
    try {
      assert.equal((await migrator(d2).migrateDown()).error, undefined);
      assert.equal((await migrator(d2).migrateToLatest()).error, undefined);
    } finally {
      await d2.close();
    }
    const again = await env.reopen(url);
    assert.deepEqual((await again.assets.get('all', 'A')).smb?.smbv1, null);
  });
});
