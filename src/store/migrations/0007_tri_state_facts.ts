import { sql } from 'kysely';
import type { Kysely, Migration } from 'kysely';
import { smbSummary } from '../../domain/observation.js';
import type { StoreDialect } from '../dialect.js';
import { chunks } from '../context.js';

// Facts a scan could not learn stay unknown in the store (docs/store.md "Three-valued facts"), and what a
// scan probed is recorded so that two scans are compared only where both looked (docs/store.md "Change
// detection"). Up to 0006 the observation parser turned a missing SMBv1 answer into `false`
// (src/domain/observation.ts before this migration: `smbv1 = dialects.some(SMB1)`), so a host whose SMB
// conversation failed — a timeout, a reset, garbage — was stored, shown and exported as "SMBv1: no".
//
// What this migration corrects and adds:
//  1. `smb` fact observations with smbv1 = false that no SMBv1 verdict backs: false is kept only when every
//     `smbv1` check of the same job and host said not-vulnerable (the engine's false means exactly that:
//     every SMB port refused SMB1, src/engine/checks/host-facts.ts deriveSmbFacts), or, when the job ran
//     no smbv1 check, when a dialect list stands behind it. Otherwise smbv1 becomes null, with the check's
//     reason when there is one.
//  2. assets.smb rewritten in the inventory's shape (SmbSummary: null for what is unknown, with reasons),
//     smbv1 = false corrected like its last scan's fact, or by the dialect-list rule when that scan has none.
//  3. assets.smb_open: 139 or 445 open at the last scan that probed them (the dashboard's "SMB open"),
//     from the asset's last scan; null when that scan did not probe them.
//  4. scan_jobs.checks: the check ids a job ran (null for jobs created without a profile's list).
//     Existing jobs get their profile's list as it stands at this migration, written out below.
//  5. exposure_daily.smb_open: the "SMB open" count of the trend; null on days recorded before it existed.
//
// The data corrections are not undone by `down` (they repair wrong values; there is nothing to restore).

/** The check ids the `ransomware` profile ran up to this migration (src/domain/scan-profile.ts, src/engine/checks/registry.ts), sorted as ScanRepo.createJob stores them. */
const RANSOMWARE_CHECKS = ['doublepulsar', 'ms17-010', 'netbios-ns', 'rdp-exposed', 'smb-os-eol', 'smb-signing', 'smbv1'];
const PROFILE_CHECKS: Readonly<Record<string, readonly string[]>> = { ransomware: RANSOMWARE_CHECKS, ports: [] };
const SMB_PORTS = [139, 445];
const PAGE = 1000;

// The tables as this migration finds them (never the current schema.ts: later migrations change it).
interface Db {
  observations: { id: number; job_id: string; ip: string; kind: string; port: number; key: string; state: string; reason: string | null; data: string | null };
  assets: { id: string; ip: string; smb: string | null; smb_open: unknown; last_job_id: string | null };
  scan_jobs: { id: string; profile: string; ports: string; checks: string | null };
}

type Json = Record<string, unknown>;

function obj(v: unknown): Json | undefined {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Json) : undefined;
}

/** The corrected SMBv1 value of a stored smb fact (job, host) that says false, and the reason when it is unknown. */
async function decideSmbv1(db: Kysely<Db>, jobId: string, ip: string, fact: Json): Promise<{ smbv1: boolean | null; reason?: string }> {
  const checks = await db.selectFrom('observations').select(['state', 'reason'])
    .where('job_id', '=', jobId).where('ip', '=', ip).where('kind', '=', 'check').where('key', '=', 'smbv1').execute();
  const dialects = Array.isArray(fact.dialects) ? fact.dialects : [];
  const backed = checks.length > 0 ? checks.every((c) => c.state === 'not-vulnerable') : dialects.length > 0;
  if (backed) return { smbv1: false };
  const reason = checks.find((c) => c.state !== 'not-vulnerable' && c.reason !== null)?.reason ?? undefined;
  return { smbv1: null, ...(reason !== undefined ? { reason } : {}) };
}

async function fixSmbObservations(db: Kysely<Db>, d: StoreDialect): Promise<void> {
  let after = 0;
  for (;;) {
    const rows = await db.selectFrom('observations').select(['id', 'job_id', 'ip', 'data'])
      .where('kind', '=', 'fact').where('key', '=', 'smb').where('id', '>', after).orderBy('id').limit(PAGE).execute();
    for (const r of rows) {
      const fact = obj(d.fromJson<unknown>(r.data));
      if (fact === undefined || fact.smbv1 !== false) continue;
      const v = await decideSmbv1(db, r.job_id, r.ip, fact);
      if (v.smbv1 === false) continue;
      const fixed = { ...fact, smbv1: null, dialectsExact: false, ...(v.reason !== undefined ? { smbv1Reason: v.reason } : {}) };
      await db.updateTable('observations').set({ data: d.json(fixed) }).where('id', '=', r.id).execute();
    }
    if (rows.length < PAGE) return;
    after = rows[rows.length - 1]!.id;
  }
}

async function fixAssets(db: Kysely<Db>, d: StoreDialect): Promise<void> {
  let after = '';
  for (;;) {
    const rows = await db.selectFrom('assets').select(['id', 'ip', 'smb', 'last_job_id'])
      .where('smb', 'is not', null).where('id', '>', after).orderBy('id').limit(PAGE).execute();
    for (const r of rows) {
      const stored = obj(d.fromJson<unknown>(r.smb));
      if (stored === undefined) continue;
      let input: Json = stored;
      let reason: string | undefined;
      if (stored.smbv1 === false && typeof stored.dialectsComplete !== 'boolean') {
        // The scan that set it (its fact is already corrected by step 1); without one, the dialect rule.
        const fact = r.last_job_id === null ? undefined : await db.selectFrom('observations').select('data')
          .where('job_id', '=', r.last_job_id).where('ip', '=', r.ip).where('kind', '=', 'fact').where('port', '=', 0).where('key', '=', 'smb').executeTakeFirst();
        const f = obj(d.fromJson<unknown>(fact?.data ?? null));
        const dialects = Array.isArray(stored.dialects) ? stored.dialects : [];
        const smbv1 = f !== undefined ? (typeof f.smbv1 === 'boolean' ? f.smbv1 : null) : dialects.length > 0 ? false : null;
        reason = f !== undefined && typeof f.smbv1Reason === 'string' ? f.smbv1Reason : undefined;
        input = { ...stored, smbv1, ...(smbv1 === null ? { dialectsExact: false } : {}) };
      }
      const summary = smbSummary(input, reason !== undefined ? { smbv1: reason } : {});
      await db.updateTable('assets').set({ smb: summary === undefined ? null : d.json(summary) }).where('id', '=', r.id).execute();
    }
    if (rows.length < PAGE) return;
    after = rows[rows.length - 1]!.id;
  }
}

async function backfillSmbOpen(db: Kysely<Db>, d: StoreDialect): Promise<void> {
  await sql`update assets set smb_open = ${d.bool(true)} where last_job_id is not null and exists (
    select 1 from observations o where o.job_id = assets.last_job_id and o.ip = assets.ip and o.kind = 'port'
    and o.port in (${sql.join(SMB_PORTS)}) and o.state = 'open')`.execute(db);
  const jobs = await db.selectFrom('scan_jobs').select(['id', 'ports']).execute();
  const probedSmb = jobs.filter((j) => (d.fromJson<number[]>(j.ports) ?? []).some((p) => SMB_PORTS.includes(p))).map((j) => j.id);
  for (const part of chunks(probedSmb, 500)) {
    await db.updateTable('assets').set({ smb_open: d.bool(false) }).where('smb_open', 'is', null).where('last_job_id', 'in', part).execute();
  }
}

async function backfillJobChecks(db: Kysely<Db>, d: StoreDialect): Promise<void> {
  for (const [profile, checks] of Object.entries(PROFILE_CHECKS)) {
    await db.updateTable('scan_jobs').set({ checks: d.json(checks) }).where('profile', '=', profile).where('checks', 'is', null).execute();
  }
}

export function migration0007(d: StoreDialect): Migration {
  const t = d.types;
  return {
    async up(raw: Kysely<unknown>) {
      const db = raw as Kysely<Db>;
      await raw.schema.alterTable('assets').addColumn('smb_open', t.bool).execute();
      await raw.schema.alterTable('scan_jobs').addColumn('checks', t.json).execute();
      await raw.schema.alterTable('exposure_daily').addColumn('smb_open', 'integer').execute();
      // The dashboard's "SMB open" count per agency: an index-only range (smb_open = true, live, by agency).
      await raw.schema.createIndex('assets_smb_open').on('assets').columns(['smb_open', 'retired_at', 'agency_id']).execute();
      await fixSmbObservations(db, d);
      await fixAssets(db, d);
      await backfillSmbOpen(db, d);
      await backfillJobChecks(db, d);
    },
    async down(raw: Kysely<unknown>) {
      await raw.schema.dropIndex('assets_smb_open').execute();
      await raw.schema.alterTable('exposure_daily').dropColumn('smb_open').execute();
      await raw.schema.alterTable('scan_jobs').dropColumn('checks').execute();
      await raw.schema.alterTable('assets').dropColumn('smb_open').execute();
    },
  };
}
