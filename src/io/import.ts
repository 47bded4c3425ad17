// Import agencies, contacts, networks and assets from inventory files (sheets.ts reads them).
//
// Rules for bad input:
//  - every row is validated and applied; a bad row becomes a RowIssue naming file:sheet:row, the column
//    and why — all bad rows are reported, not just the first;
//  - the whole import runs in ONE store transaction: without `partial`, any bad row rolls everything back
//    (nothing imported); with `partial`, the good rows are committed and the bad ones listed; `dryRun`
//    always rolls back, so it reports exactly what a real run would do;
//  - re-importing the same file is idempotent: agencies are upserted by code, networks by CIDR, contacts by
//    (agency, name, role), assets by the store's identity rules (MAC, NetBIOS, DNS name, address);
//  - an empty optional cell leaves the stored value as it is (a spreadsheet with fewer columns cannot wipe
//    data by accident).
// Order: agencies (parents before children, whatever the row order), then contacts, networks, assets.
// A row error is a PerisaiError the repositories raise BEFORE writing (validation, unknown agency,
// overlapping network); a driver/storage error is not a row error — it aborts the import (on PostgreSQL
// a failed statement poisons the transaction anyway).

import { isPerisaiError } from '../domain/errors.js';
import { AGENCY_KINDS, normalizeAgencyCode, validateAgencyInput } from '../domain/agency.js';
import type { AgencyKind } from '../domain/agency.js';
import { CONTACT_ROLES, validateContactInput } from '../domain/contact.js';
import type { ContactRole } from '../domain/contact.js';
import { NetworkConfirmationError, validateNetworkInput } from '../domain/network.js';
import type { Network } from '../domain/network.js';
import { CRITICALITIES, checkOutsideControl, normalizeDnsName, normalizeMac, normalizeNetbiosName, validateAssetPatch } from '../domain/asset.js';
import type { AssetPatch, Criticality } from '../domain/asset.js';
import { parseAddress } from '../domain/ip.js';
import { ALL_AGENCIES, NetworkOverlapError } from '../store/index.js';
import type { Repositories, Store } from '../store/index.js';
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

export interface ImportOptions {
  readonly partial?: boolean;
  readonly dryRun?: boolean;
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

export async function importInventory(store: Store, rows: readonly SheetRow[], opts: ImportOptions = {}): Promise<ImportReport> {
  const errors: RowIssue[] = [];
  const counts = emptyCounts();
  const issue = (r: SheetRow, column: string | null, message: string): void => {
    errors.push({ file: r.file, sheet: r.sheet, row: r.row, column, message });
  };
  let committed = false;
  try {
    await store.transaction(async (tx) => {
      await applyRows(tx, rows, counts, issue, opts.confirmedBy ?? 'import');
      if (opts.dryRun || (errors.length > 0 && !opts.partial)) throw new Rollback();
    });
    committed = true;
  } catch (e) {
    if (!(e instanceof Rollback)) throw e;
  }
  errors.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0) || (a.sheet ?? '').localeCompare(b.sheet ?? '') || a.row - b.row);
  return { rows: rows.length, counts, errors, committed, dryRun: opts.dryRun ?? false };
}

async function applyRows(
  tx: Repositories, rows: readonly SheetRow[], counts: Record<RecordKind, Record<Outcome, number>>, issue: (r: SheetRow, column: string | null, message: string) => void, confirmedBy: string,
): Promise<void> {
  const scope = ALL_AGENCIES;
  const good: SheetRow[] = [];
  // Structural checks first: unknown `type`, missing required cells.
  for (const r of rows) {
    const bad = r.cells.get('__bad_type');
    if (bad !== undefined) {
      issue(r, 'type', `${JSON.stringify(bad)} is not one of agency, contact, network, asset`);
      continue;
    }
    const missing = COLUMNS[r.kind].required.filter((c) => cell(r, c) === '');
    if (missing.length > 0) {
      for (const c of missing) issue(r, c, 'required, but empty or missing');
      continue;
    }
    good.push(r);
  }
  const byKind = (k: RecordKind): SheetRow[] => good.filter((r) => r.kind === k);

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

  // ---- assets ------------------------------------------------------------------------------------
  const seenAsset = new Map<string, number>();
  for (const r of byKind('assets')) {
    try {
      const id = await agencyId(cell(r, 'agency_code'), 'agency_code');
      const ip = parseAddress(cell(r, 'ip')).text;
      const dup = seenAsset.get(`${id}\n${ip}`);
      if (dup !== undefined) throw new RowError(`duplicate asset ${ip} for this agency (already on row ${dup})`, 'ip');
      seenAsset.set(`${id}\n${ip}`, r.row);
      const macCell = cell(r, 'mac');
      const mac = macCell === '' ? null : normalizeMac(macCell);
      if (mac === undefined) throw new RowError(`${JSON.stringify(macCell)} is not a unicast EUI-48 MAC address`, 'mac');
      const nbCell = cell(r, 'netbios_name');
      const nb = nbCell === '' ? null : normalizeNetbiosName(nbCell);
      if (nb === undefined) throw new RowError(`${JSON.stringify(nbCell)} is not a NetBIOS name (at most 15 characters)`, 'netbios_name');
      const dnsCell = cell(r, 'dns_name');
      const dns = dnsCell === '' ? null : normalizeDnsName(dnsCell);
      if (dns === undefined) throw new RowError(`${JSON.stringify(dnsCell)} is not a DNS name`, 'dns_name');
      const patch: { -readonly [K in keyof AssetPatch]: AssetPatch[K] } = {};
      const crit = cell(r, 'criticality').toLowerCase();
      if (crit !== '') {
        if (!(CRITICALITIES as readonly string[]).includes(crit)) throw new RowError(`${JSON.stringify(cell(r, 'criticality'))} is not one of ${CRITICALITIES.join(', ')}`, 'criticality');
        patch.criticality = crit as Criticality;
      }
      if (cell(r, 'owner') !== '') patch.owner = cell(r, 'owner');
      if (cell(r, 'tags') !== '') patch.tags = splitTags(cell(r, 'tags'));
      if (cell(r, 'outside_control') !== '') patch.outsideControl = bool(cell(r, 'outside_control'), 'outside_control');
      if (cell(r, 'responsible_party') !== '') patch.responsibleParty = cell(r, 'responsible_party');
      const p = validateAssetPatch(patch);
      if (p.outsideControl === true) checkOutsideControl(true, p.responsibleParty ?? null);
      const os = cell(r, 'os');
      const [u] = await tx.assets.upsertObserved(scope, {
        agencyId: id,
        hosts: [{ ip, mac, netbiosName: nb, dnsName: dns, ...(os !== '' ? { os: { name: os, source: 'manual' } } : {}) }],
      });
      const before = await tx.assets.get(scope, u!.assetId);
      const changes =
        (p.criticality !== undefined && p.criticality !== before.criticality) ||
        (p.owner !== undefined && p.owner !== before.owner) ||
        (p.tags !== undefined && p.tags.join('\n') !== before.tags.join('\n')) ||
        (p.outsideControl !== undefined && p.outsideControl !== before.outsideControl) ||
        (p.responsibleParty !== undefined && p.responsibleParty !== before.responsibleParty);
      if (changes) await tx.assets.update(scope, before.id, p);
      counts.assets[u!.created ? 'created' : changes ? 'updated' : 'unchanged']++;
    } catch (e) {
      const re = asRowError(e, null);
      issue(r, re.column, re.message);
    }
  }
}

