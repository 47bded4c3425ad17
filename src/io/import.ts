// Import agencies, contacts, networks and assets from inventory files (sheets.ts reads them).
//
// Rules for bad input:
//  - every row is validated and applied; a bad row becomes a RowIssue naming file:sheet:row, the column
//    and why — all bad rows are reported, not just the first;
//  - all or nothing: without `partial`, any bad row means nothing is imported; with `partial`, the good rows
//    are written and the bad ones listed; `dryRun` writes nothing and reports exactly what a real run would do;
//  - re-importing the same file is idempotent: agencies are upserted by code, networks by CIDR, contacts by
//    (agency, name, role), assets by the store's identity rules (MAC, NetBIOS, DNS name, address);
//  - an empty optional cell leaves the stored value as it is (a spreadsheet with fewer columns cannot wipe
//    data by accident);
//  - a cell with a control character is refused (src/domain/text.ts).
// Order: agencies (parents before children, whatever the row order), then contacts, networks, assets.
//
// At city scale (docs/inventory-io.md "Import at city scale"): 20,000–200,000 asset rows must import in
// seconds while `perisai serve` keeps answering. So the rows are
//   1. read as a stream and checked in ONE pass (no database) — cells, duplicates, addresses;
//   2. matched to stored assets per agency with one indexed read of that agency's identities and
//      domain/asset.ts matchAssets over the whole file (linear; the old per-row read of every asset of the
//      agency made the import quadratic);
//   3. compared with the stored values of the matched assets (read by id, in chunks); new and changed rows
//      are STAGED in batches of `batchSize` rows, each its own short transaction, with a pause after each
//      so that other writers (SQLite has one write lock) get their turn (unchanged rows are only counted);
//   4. published in ONE transaction: agencies, contacts and networks through the repositories (a city has
//      hundreds of them, not hundred thousands), then the staged assets set-based (store/repos/imports.ts);
//      or rolled back — all or nothing as before;
//   5. the staging rows are deleted, again in short batches.
// A row error of agencies, contacts and networks is a PerisaiError the repositories raise BEFORE writing
// (validation, unknown agency, overlapping network); a driver/storage error is not a row error — it aborts
// the import (on PostgreSQL a failed statement poisons the transaction anyway).

import { isPerisaiError } from '../domain/errors.js';
import { AGENCY_KINDS, normalizeAgencyCode, validateAgencyInput } from '../domain/agency.js';
import type { AgencyKind } from '../domain/agency.js';
import { CONTACT_ROLES, validateContactInput } from '../domain/contact.js';
import type { ContactRole } from '../domain/contact.js';
import { NetworkConfirmationError, validateNetworkInput } from '../domain/network.js';
import type { Network } from '../domain/network.js';
import { CRITICALITIES, checkOutsideControl, matchAssets, normalizeDnsName, normalizeMac, normalizeNetbiosName, validateAssetPatch } from '../domain/asset.js';
import type { Criticality } from '../domain/asset.js';
import { parseAddress } from '../domain/ip.js';
import { ALL_AGENCIES, NetworkOverlapError, retryOnBusy } from '../store/index.js';
import type { AssetDetail, Repositories, StagedAsset, StagedOutcome, Store } from '../store/index.js';
import { COLUMNS, RECORD_KINDS } from './sheets.js';
import type { RecordKind, SheetRow } from './sheets.js';

export interface RowIssue {
  readonly file: string;
  readonly sheet: string | null;
  readonly row: number;
  readonly column: string | null;
  readonly message: string;
}

export type Outcome = 'created' | 'updated' | 'unchanged';

export interface ImportReport {
  readonly rows: number;
  readonly counts: Record<RecordKind, Record<Outcome, number>>;
  readonly errors: readonly RowIssue[];
  /** True when the good rows were written (no errors, or `partial`), and not a dry run. */
  readonly committed: boolean;
  readonly dryRun: boolean;
}

/** Where an import is, for a progress bar: `total` is 0 while the file is still being read. */
export interface ImportProgress {
  readonly phase: 'reading' | 'matching' | 'staging' | 'publishing' | 'cleaning';
  readonly done: number;
  readonly total: number;
  readonly elapsedMs: number;
}

export interface ImportOptions {
  readonly partial?: boolean;
  readonly dryRun?: boolean;
  /** Asset rows staged per transaction (default 2,000). */
  readonly batchSize?: number;
  /** Told as the import advances (the CLI draws a progress bar with it); a promise it returns is awaited. */
  readonly onProgress?: (p: ImportProgress) => void | Promise<void>;
  /**
   * Who confirms the networks whose rows carry a `confirmation_reason` (the guard rails of
   * domain/network.ts): the person running the import, never a cell of the file. Default "import".
   */
  readonly confirmedBy?: string;
}

/** "file:sheet:row: column: message" — the format of every line of the error report. */
export function formatIssue(i: RowIssue): string {
  return `${i.file}${i.sheet === null ? '' : `:${i.sheet}`}:${i.row}: ${i.column === null ? '' : `${i.column}: `}${i.message}`;
}

// Domain error fields → the column a spreadsheet user sees.
const FIELD_COLUMN: Readonly<Record<string, string>> = {
  parentId: 'parent_code', agencyId: 'agency_code', authorisedBy: 'authorised_by', authorisedAt: 'authorised_at',
  authorisationRef: 'authorisation_ref', responsibleParty: 'responsible_party', outsideControl: 'outside_control',
  netbiosName: 'netbios_name', dnsName: 'dns_name', isPrimary: 'primary', confirmReason: 'confirmation_reason',
};

class RowError extends Error {
  constructor(
    message: string,
    readonly column: string | null,
  ) {
    super(message);
  }
}

/** Rolls the transaction back on purpose (dry run, or bad rows without --partial). */
class Rollback extends Error {}

const TRUE = new Set(['1', 'true', 'yes', 'y', 'ya', 'x']);
const FALSE = new Set(['0', 'false', 'no', 'n', 'tidak', '']);

function bool(v: string, column: string): boolean {
  const n = v.trim().toLowerCase();
  if (TRUE.has(n)) return true;
  if (FALSE.has(n)) return false;
  throw new RowError(`${JSON.stringify(v)} is not yes/no (also accepted: true/false, 1/0, ya/tidak)`, column);
}

/** Tags in one cell, separated by ',', ';' or '|' (';' for files whose separator is the comma, and vice versa). */
export function splitTags(v: string): string[] {
  return v.split(/[,;|]/).map((t) => t.trim()).filter((t) => t !== '');
}

function emptyCounts(): Record<RecordKind, Record<Outcome, number>> {
  const c = {} as Record<RecordKind, Record<Outcome, number>>;
  for (const k of RECORD_KINDS) c[k] = { created: 0, updated: 0, unchanged: 0 };
  return c;
}

/** A row error from a repository's PerisaiError; driver and storage errors are rethrown (they abort the import). */
function asRowError(e: unknown, fallbackColumn: string | null): RowError {
  if (e instanceof RowError) return e;
  if (e instanceof NetworkConfirmationError && e.details['reason'] === 'confirmation-required') {
    return new RowError(`${e.message.replace(/^confirmReason: /, '')}: write why in the confirmation_reason column`, 'confirmation_reason');
  }
  if (e instanceof NetworkOverlapError) return new RowError(e.message, 'cidr');
  if (isPerisaiError(e) && e.code !== 'E_STORAGE' && e.details.driverCode === undefined) {
    const field = typeof e.details.field === 'string' ? e.details.field : undefined;
    const column = field === undefined ? fallbackColumn : FIELD_COLUMN[field] ?? field.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
    return new RowError(e.message.replace(new RegExp(`^${field ?? '\0'}: `), ''), column);
  }
  throw e;
}

function cell(r: SheetRow, col: string): string {
  return r.cells.get(col) ?? '';
}

/** Where a row is (the part of a SheetRow a RowIssue needs). */
interface Place {
  readonly file: string;
  readonly sheet: string | null;
  readonly row: number;
}

type Issue = (r: Place, column: string | null, message: string) => void;

/** An asset row after the one-pass check: normalised identity and the columns it sets (undefined: keep). */
interface AssetRow extends Place {
  readonly code: string;
  readonly ip: string;
  readonly mac: string | null;
  readonly nb: string | null;
  readonly dns: string | null;
  readonly os: string | null;
  readonly criticality?: Criticality;
  readonly owner?: string;
  readonly tags?: readonly string[];
  readonly outsideControl?: boolean;
  readonly responsibleParty?: string | null;
  /** The live asset it matched (step 2); undefined: a new asset. */
  assetId?: string;
  outcome?: StagedOutcome;
}

const DAY_MS = 86_400_000;

/** Wait `ms` (a pause between two staged batches). */
function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export async function importInventory(store: Store, rows: Iterable<SheetRow> | AsyncIterable<SheetRow>, opts: ImportOptions = {}): Promise<ImportReport> {
  const t0 = performance.now();
  const progress = async (phase: ImportProgress['phase'], done: number, total: number): Promise<void> => opts.onProgress?.({ phase, done, total, elapsedMs: performance.now() - t0 });
  const errors: RowIssue[] = [];
  const counts = emptyCounts();
  const issue: Issue = (r, column, message) => {
    errors.push({ file: r.file, sheet: r.sheet, row: r.row, column, message });
  };
  const batchSize = Math.max(1, opts.batchSize ?? 2_000);

  // 1. Read and check every row once; nothing touches the database yet.
  const small: SheetRow[] = [];
  const assets: AssetRow[] = [];
  const seenAsset = new Map<string, number>();
  let n = 0;
  for await (const r of rows) {
    if (++n % 10_000 === 0) await progress('reading', n, 0);
    if (!structurallyGood(r, issue)) continue;
    if (r.kind !== 'assets') {
      small.push(r);
      continue;
    }
    try {
      assets.push(checkAsset(r, seenAsset));
    } catch (e) {
      const re = asRowError(e, null);
      issue(r, re.column, re.message);
    }
  }
  await progress('reading', n, n);

  // 2. Match per agency: one indexed read of its live identities, then matchAssets over all its rows.
  const stored = await store.imports.agencyIdsByCode();
  const inFile = new Set(small.filter((r) => r.kind === 'agencies').map((r) => normalizeAgencyCode(cell(r, 'code'))));
  const byAgency = new Map<string, AssetRow[]>();
  const planned: AssetRow[] = [];
  for (const a of assets) {
    if (!stored.has(a.code) && !inFile.has(a.code)) {
      issue(a, 'agency_code', `unknown agency ${a.code} (neither in the store nor in this file)`);
      continue;
    }
    planned.push(a);
    const list = byAgency.get(a.code);
    if (list === undefined) byAgency.set(a.code, [a]);
    else list.push(a);
  }
  // Counted BEFORE the identities are read: an asset a scan adds in between changes the count, and
  // publishing then refuses (store/repos/imports.ts) instead of creating a duplicate.
  const expected = await store.imports.assetCounts([...byAgency.keys()].flatMap((code) => (stored.has(code) ? [stored.get(code)!] : [])));
  let matched = 0;
  for (const [code, list] of byAgency) {
    const agencyId = stored.get(code);
    if (agencyId !== undefined) {
      const m = matchAssets(await store.imports.liveIdentities(agencyId), list.map((a) => ({ ip: a.ip, mac: a.mac, netbiosName: a.nb, dnsName: a.dns })));
      list.forEach((a, i) => {
        const r = m[i]!;
        if (r.kind === 'existing') a.assetId = r.assetId;
      });
    }
    matched += list.length;
    await progress('matching', matched, planned.length);
  }

  // 3. Compare with the stored values and stage, batch by batch. Staging is skipped when nothing will be
  //    written anyway (a dry run, or bad rows without --partial): the report is the same.
  const willWrite = !opts.dryRun && (opts.partial === true || errors.length === 0);
  const importId = willWrite ? await retryOnBusy(() => store.imports.begin(opts.confirmedBy ?? 'import')) : undefined;
  let committed = false;
  try {
    if (importId !== undefined) await store.imports.purgeStale(new Date(Date.now() - DAY_MS).toISOString());
    for (let i = 0; i < planned.length; i += batchSize) {
      const started = performance.now();
      const batch = planned.slice(i, i + batchSize);
      const details = await store.imports.details(batch.flatMap((a) => (a.assetId !== undefined ? [a.assetId] : [])));
      // Unchanged rows are counted, not staged: re-importing the same file writes nothing.
      const staged = batch.map((a) => toStaged(a, a.assetId === undefined ? undefined : details.get(a.assetId))).filter((x) => x.outcome !== 'unchanged');
      if (importId !== undefined && staged.length > 0) {
        await retryOnBusy(() => store.imports.stage(importId, i, staged));
        // As long again as the batch took (at most 0.2 s): other writers get the lock between batches.
        await pause(Math.min(200, performance.now() - started));
      }
      await progress('staging', Math.min(planned.length, i + batchSize), planned.length);
    }

    // 4. Publish in one transaction, or roll back. What the transaction finds is kept apart and merged
    //    once it is over, so that a run again after a busy database counts nothing twice.
    await progress('publishing', 0, 1);
    let found: { errors: RowIssue[]; counts: Record<RecordKind, Record<Outcome, number>> } = { errors: [], counts: emptyCounts() };
    await retryOnBusy(() => store.transaction(async (tx) => {
      found = { errors: [], counts: emptyCounts() };
      const local = found;
      const note: Issue = (r, column, message) => void local.errors.push({ file: r.file, sheet: r.sheet, row: r.row, column, message });
      const failed = await applySmallKinds(tx, small, local.counts, note, opts.confirmedBy ?? 'import');
      for (const a of planned) {
        if (failed.has(a.code)) note(a, 'agency_code', `agency ${a.code} was not imported (its row has an error)`);
        else local.counts.assets[a.outcome!]++;
      }
      if (opts.dryRun || (errors.length + local.errors.length > 0 && !opts.partial)) throw new Rollback();
      if (importId !== undefined) await tx.imports.publish(importId, [...failed].filter((c) => byAgency.has(c)), expected);
    })).then(() => {
      committed = true;
    }, (e: unknown) => {
      if (!(e instanceof Rollback)) throw e;
    });
    for (const e of found.errors) errors.push(e);
    for (const k of RECORD_KINDS) for (const o of ['created', 'updated', 'unchanged'] as const) counts[k][o] += found.counts[k][o];
    await progress('publishing', 1, 1);
  } finally {
    // 5. The staged rows go, whatever happened (a run this misses is purged by the next import after a day).
    if (importId !== undefined) {
      await progress('cleaning', 0, 1);
      await retryOnBusy(() => store.imports.discard(importId)).catch(() => {});
    }
  }
  errors.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0) || (a.sheet ?? '').localeCompare(b.sheet ?? '') || a.row - b.row);
  return { rows: n, counts, errors, committed, dryRun: opts.dryRun ?? false };
}

/** Structural checks: a known `type`, printable cells, the required cells present. Reports and answers false when bad. */
function structurallyGood(r: SheetRow, issue: Issue): boolean {
  const bad = r.cells.get('__bad_type');
  if (bad !== undefined) {
    issue(r, 'type', `${JSON.stringify(bad)} is not one of agency, contact, network, asset`);
    return false;
  }
  if (r.problems !== undefined && r.problems.length > 0) {
    for (const p of r.problems) issue(r, p.column, p.message);
    return false;
  }
  const missing = COLUMNS[r.kind].required.filter((c) => cell(r, c) === '');
  if (missing.length > 0) {
    for (const c of missing) issue(r, c, 'required, but empty or missing');
    return false;
  }
  return true;
}

/** An asset row checked without the database: address, identifiers, columns, duplicates in the file. */
function checkAsset(r: SheetRow, seen: Map<string, number>): AssetRow {
  const code = normalizeAgencyCode(cell(r, 'agency_code'));
  const ip = parseAddress(cell(r, 'ip')).text;
  const dup = seen.get(`${code}\n${ip}`);
  if (dup !== undefined) throw new RowError(`duplicate asset ${ip} for this agency (already on row ${dup})`, 'ip');
  seen.set(`${code}\n${ip}`, r.row);
  const macCell = cell(r, 'mac');
  const mac = macCell === '' ? null : normalizeMac(macCell);
  if (mac === undefined) throw new RowError(`${JSON.stringify(macCell)} is not a unicast EUI-48 MAC address`, 'mac');
  const nbCell = cell(r, 'netbios_name');
  const nb = nbCell === '' ? null : normalizeNetbiosName(nbCell);
  if (nb === undefined) throw new RowError(`${JSON.stringify(nbCell)} is not a NetBIOS name (at most 15 characters)`, 'netbios_name');
  const dnsCell = cell(r, 'dns_name');
  const dns = dnsCell === '' ? null : normalizeDnsName(dnsCell);
  if (dns === undefined) throw new RowError(`${JSON.stringify(dnsCell)} is not a DNS name`, 'dns_name');
  const crit = cell(r, 'criticality').toLowerCase();
  if (crit !== '' && !(CRITICALITIES as readonly string[]).includes(crit)) throw new RowError(`${JSON.stringify(cell(r, 'criticality'))} is not one of ${CRITICALITIES.join(', ')}`, 'criticality');
  const p = validateAssetPatch({
    ...(cell(r, 'tags') !== '' ? { tags: splitTags(cell(r, 'tags')) } : {}),
    ...(cell(r, 'outside_control') !== '' ? { outsideControl: bool(cell(r, 'outside_control'), 'outside_control') } : {}),
    ...(cell(r, 'responsible_party') !== '' ? { responsibleParty: cell(r, 'responsible_party') } : {}),
  });
  if (p.outsideControl === true) checkOutsideControl(true, p.responsibleParty ?? null);
  const os = cell(r, 'os');
  return {
    file: r.file, sheet: r.sheet, row: r.row, code, ip, mac, nb, dns, os: os === '' ? null : os,
    ...(crit !== '' ? { criticality: crit as Criticality } : {}), ...(cell(r, 'owner') !== '' ? { owner: cell(r, 'owner') } : {}),
    ...(p.tags !== undefined ? { tags: p.tags } : {}), ...(p.outsideControl !== undefined ? { outsideControl: p.outsideControl } : {}),
    ...(p.responsibleParty !== undefined ? { responsibleParty: p.responsibleParty } : {}),
  };
}

/** The staged form of a checked row, and its outcome against the stored asset it matched (`before`). */
function toStaged(a: AssetRow, before: AssetDetail | undefined): StagedAsset {
  if (a.assetId !== undefined && before === undefined) a.assetId = undefined; // gone since matching: publishing's checks refuse
  const changed = before !== undefined && (
    a.ip !== before.ip || (a.mac !== null && a.mac !== before.mac) || (a.nb !== null && a.nb !== before.netbiosName) || (a.dns !== null && a.dns !== before.dnsName) ||
    (a.os !== null && a.os !== before.os) || (a.criticality !== undefined && a.criticality !== before.criticality) || (a.owner !== undefined && a.owner !== before.owner) ||
    (a.tags !== undefined && a.tags.join('\n') !== before.tags.join('\n')) || (a.outsideControl !== undefined && a.outsideControl !== before.outsideControl) ||
    (a.responsibleParty !== undefined && a.responsibleParty !== before.responsibleParty));
  a.outcome = before === undefined ? 'created' : changed ? 'updated' : 'unchanged';
  return {
    file: a.file, sheet: a.sheet, row: a.row, agencyCode: a.code, ...(a.assetId !== undefined ? { assetId: a.assetId } : {}), outcome: a.outcome,
    ip: a.ip, mac: a.mac, netbiosName: a.nb, dnsName: a.dns, os: a.os === null ? null : { name: a.os, source: 'manual' },
    criticality: a.criticality ?? null, owner: a.owner ?? null, tags: a.tags ?? null, outsideControl: a.outsideControl ?? null, responsibleParty: a.responsibleParty ?? null,
  };
}

/**
 * Agencies, contacts and networks through the repositories, inside the publishing transaction. Returns
 * the codes of agencies whose row failed (their assets are not imported either).
 */
async function applySmallKinds(tx: Repositories, good: readonly SheetRow[], counts: Record<RecordKind, Record<Outcome, number>>, issue: Issue, confirmedBy: string): Promise<Set<string>> {
  const scope = ALL_AGENCIES;
  const byKind = (k: RecordKind): SheetRow[] => good.filter((r) => r.kind === k);
  const failed = new Set<string>();

  // Agency ids by code: filled from the file as rows are applied, from the store on demand.
  const agencyIds = new Map<string, string | null>(); // null: the row for that code failed
  const agencyId = async (code: string, column: string): Promise<string> => {
    const c = normalizeAgencyCode(code);
    const known = agencyIds.get(c);
    if (known === null) throw new RowError(`agency ${c} was not imported (its row has an error)`, column);
    if (known !== undefined) return known;
    try {
      const a = await tx.agencies.getByCode(scope, c);
      agencyIds.set(c, a.id);
      return a.id;
    } catch (e) {
      if (isPerisaiError(e, 'E_NOT_FOUND')) throw new RowError(`unknown agency ${c} (neither in the store nor in this file)`, column);
      throw e;
    }
  };

  // ---- agencies: parents first -------------------------------------------------------------------
  const agencyRows = new Map<string, SheetRow>();
  for (const r of byKind('agencies')) {
    const code = normalizeAgencyCode(cell(r, 'code'));
    const first = agencyRows.get(code);
    if (first !== undefined) {
      issue(r, 'code', `duplicate code ${code} (already on row ${first.row})`);
      continue;
    }
    agencyRows.set(code, r);
  }
  const state = new Map<string, 'doing' | 'done'>();
  const doAgency = async (code: string): Promise<void> => {
    if (state.has(code)) return;
    state.set(code, 'doing');
    const r = agencyRows.get(code)!;
    try {
      const kind = cell(r, 'kind').toLowerCase() as AgencyKind;
      if (!(AGENCY_KINDS as readonly string[]).includes(kind)) throw new RowError(`${JSON.stringify(cell(r, 'kind'))} is not one of ${AGENCY_KINDS.join(', ')}`, 'kind');
      const notesCell = cell(r, 'notes');
      const v = validateAgencyInput({ kind, code, name: cell(r, 'name'), notes: notesCell === '' ? null : notesCell });
      const parentCode = normalizeAgencyCode(cell(r, 'parent_code'));
      let parentId: string | null = null;
      if (parentCode !== '') {
        if (parentCode === code) throw new RowError('an agency cannot be its own parent', 'parent_code');
        if (agencyRows.has(parentCode)) {
          if (state.get(parentCode) === 'doing') throw new RowError(`parent ${parentCode} is (indirectly) a child of ${code} in this file: a cycle`, 'parent_code');
          await doAgency(parentCode);
        }
        parentId = await agencyId(parentCode, 'parent_code');
      }
      let existing;
      try {
        existing = await tx.agencies.getByCode(scope, code);
      } catch (e) {
        if (!isPerisaiError(e, 'E_NOT_FOUND')) throw e;
      }
      if (existing === undefined) {
        const a = await tx.agencies.create(scope, { kind: v.kind, code: v.code, name: v.name, notes: v.notes ?? null, parentId });
        agencyIds.set(code, a.id);
        counts.agencies.created++;
      } else {
        agencyIds.set(code, existing.id);
        const notes = notesCell === '' ? existing.notes : notesCell;
        if (existing.name === v.name && existing.kind === v.kind && existing.parentId === parentId && existing.notes === notes) {
          counts.agencies.unchanged++;
        } else {
          await tx.agencies.update(scope, existing.id, { name: v.name, kind: v.kind, parentId, notes });
          counts.agencies.updated++;
        }
      }
    } catch (e) {
      const re = asRowError(e, null);
      agencyIds.set(code, null);
      failed.add(code);
      issue(r, re.column, re.message);
    } finally {
      state.set(code, 'done');
    }
  };
  for (const code of agencyRows.keys()) await doAgency(code);

  // ---- contacts ----------------------------------------------------------------------------------
  const seenContacts = new Map<string, number>();
  for (const r of byKind('contacts')) {
    try {
      const id = await agencyId(cell(r, 'agency_code'), 'agency_code');
      const role = cell(r, 'role').toLowerCase() as ContactRole;
      if (!(CONTACT_ROLES as readonly string[]).includes(role)) throw new RowError(`${JSON.stringify(cell(r, 'role'))} is not one of ${CONTACT_ROLES.join(', ')}`, 'role');
      const v = validateContactInput({
        name: cell(r, 'name'), role, email: cell(r, 'email') || null, phone: cell(r, 'phone') || null, whatsapp: cell(r, 'whatsapp') || null,
        isPrimary: bool(cell(r, 'primary'), 'primary'),
      });
      const key = `${id}\n${v.name.toLowerCase()}\n${v.role}`;
      const dup = seenContacts.get(key);
      if (dup !== undefined) throw new RowError(`duplicate contact ${v.name} (${v.role}) of this agency (already on row ${dup})`, 'name');
      seenContacts.set(key, r.row);
      const same = (await tx.contacts.list(scope, { agencyId: id, role: v.role })).find((c) => c.name.toLowerCase() === v.name.toLowerCase());
      if (same !== undefined && same.email === v.email && same.phone === v.phone && same.whatsapp === v.whatsapp && same.isPrimary === v.isPrimary) {
        counts.contacts.unchanged++;
        continue;
      }
      // Contacts have no update in the store: replace the row (a contact has no history to lose).
      if (same !== undefined) await tx.contacts.remove(scope, same.id);
      await tx.contacts.add(scope, id, v);
      counts.contacts[same === undefined ? 'created' : 'updated']++;
    } catch (e) {
      const re = asRowError(e, null);
      issue(r, re.column, re.message);
    }
  }

  // ---- networks ----------------------------------------------------------------------------------
  const networks = new Map<string, Network>((await tx.networks.list(scope)).map((n) => [n.cidr, n]));
  const codeOf = new Map<string, string>();
  const seenCidr = new Map<string, number>();
  for (const r of byKind('networks')) {
    try {
      const id = await agencyId(cell(r, 'agency_code'), 'agency_code');
      const input = {
        agencyId: id, cidr: cell(r, 'cidr'), authorisedBy: cell(r, 'authorised_by'), authorisedAt: cell(r, 'authorised_at'),
        authorisationRef: cell(r, 'authorisation_ref') || null, label: cell(r, 'label') || null, zone: cell(r, 'zone') || null,
        confirmation: cell(r, 'confirmation_reason') === '' ? null : { by: confirmedBy, reason: cell(r, 'confirmation_reason') },
      };
      const v = validateNetworkInput(input, tx.networks.policy);
      const dup = seenCidr.get(v.cidr.text);
      if (dup !== undefined) throw new RowError(`duplicate network ${v.cidr.text} (already on row ${dup})`, 'cidr');
      seenCidr.set(v.cidr.text, r.row);
      const existing = networks.get(v.cidr.text);
      if (existing !== undefined) {
        if (existing.agencyId !== id) {
          let owner = codeOf.get(existing.agencyId);
          if (owner === undefined) {
            const a = await tx.agencies.get(scope, existing.agencyId);
            owner = `${a.code} (${a.name})`;
            codeOf.set(existing.agencyId, owner);
          }
          throw new RowError(`network ${v.cidr.text} is already registered to ${owner}`, 'cidr');
        }
        // Same block, same agency: already registered. The store keeps the first authorisation; a new
        // letter for the same block is recorded by removing and re-adding the network.
        counts.networks.unchanged++;
        continue;
      }
      const n = await tx.networks.add(scope, input);
      networks.set(n.cidr, n);
      counts.networks.created++;
    } catch (e) {
      const re = asRowError(e, null);
      issue(r, re.column, re.message);
    }
  }

  return failed;
}
