// `perisai agency|network|asset|findings|import|export|backup|restore`: the inventory from the command
// line. Every command opens the store named by --db (or the embedded SQLite under --data-dir, see
// docs/store.md) through the CLI core (src/cli/shared.ts), which also maps errors to exit codes once:
// bad input / unknown / conflicting → 2, storage failures → 4 (src/cli/errors.ts).

import { userInfo } from 'node:os';
import { Command, Option } from 'commander';
import { AGENCY_KINDS } from '../../domain/agency.js';
import type { Agency, AgencyKind } from '../../domain/agency.js';
import { CRITICALITIES } from '../../domain/asset.js';
import type { Asset, AssetPatch, Criticality } from '../../domain/asset.js';
import { FINDING_STATUSES, SEVERITIES } from '../../domain/finding.js';
import type { FindingStatus, Severity } from '../../domain/finding.js';
import { tryParseAddress } from '../../domain/ip.js';
import { controlCharacterArgument, escapeForTerminal, jsonForTerminal } from '../../domain/text.js';
import { NetworkConfirmationError } from '../../domain/network.js';
import { ALL_AGENCIES, parseStoreUrl } from '../../store/index.js';
import type { AgencyScope, FindingView, Store } from '../../store/index.js';
import { backupPostgres, backupSqlite, manifestPath, restorePostgres, restoreSqlite } from '../../io/backup.js';
import { csvLine } from '../../io/csv.js';
import { EXPORT_LANGS } from '../../io/columns.js';
import type { ExportLang } from '../../io/columns.js';
import { EXPORT_KINDS, exportInventory } from '../../io/export.js';
import type { ExportKind } from '../../io/export.js';
import { formatIssue, importInventory, splitTags } from '../../io/import.js';
import type { ImportProgress, Outcome } from '../../io/import.js';
import { inventoryRows } from '../../io/sheets.js';
import { writeTemplate } from '../../io/template.js';
import { CliError, EXIT, usageError } from '../errors.js';
import { createStepProgress } from '../progress.js';
import { loadVersion, VERSION } from '../version.js';
import { emit, processIo, renderTable, storeOptions, storeUrl, toCliError, withStore } from '../shared.js';
import type { CliIo, OutFormat, StoreOpts } from '../shared.js';

function formatOption(choices: readonly string[] = ['table', 'json', 'csv']): Option {
  return new Option('--format <format>', 'output format').choices(choices).default('table');
}

function choice<T extends string>(name: string, list: readonly T[], v: string): T {
  const n = v.trim().toLowerCase();
  if (!(list as readonly string[]).includes(n)) throw usageError(`${name}: '${v}' is not one of ${list.join(', ')}`);
  return n as T;
}

function yesNo(name: string, v: string): boolean {
  const n = v.trim().toLowerCase();
  if (['yes', 'y', 'true', '1', 'ya'].includes(n)) return true;
  if (['no', 'n', 'false', '0', 'tidak'].includes(n)) return false;
  throw usageError(`${name}: '${v}' is not yes or no`);
}

function positiveInt(name: string): (v: string) => number {
  return (v) => {
    if (!/^\d+$/.test(v.trim()) || Number(v) < 1) throw usageError(`${name}: '${v}' is not a positive whole number`);
    return Number(v);
  };
}

// ---- agency ----------------------------------------------------------------------------------------

function agencyCommand(io: CliIo): Command {
  const cmd = new Command('agency').description('agencies (OPD, RSUD, puskesmas, schools …) and their hierarchy');
  const codeMap = async (store: Store): Promise<Map<string, string>> =>
    new Map((await store.agencies.list(ALL_AGENCIES, { includeRetired: true })).map((a) => [a.id, a.code]));
  const row = (a: Agency, codes: Map<string, string>): string[] => [a.code, a.kind, a.name, a.parentId === null ? '' : codes.get(a.parentId) ?? '', a.retiredAt ?? ''];
  const HEADER = ['code', 'kind', 'name', 'parent', 'retired'];

  cmd.addCommand(storeOptions(new Command('add'))
    .description('register an agency')
    .argument('<code>', 'short unique code, e.g. DINKES, RSUD-KOTA, SMPN-3')
    .requiredOption('--name <name>', 'full name, e.g. "Dinas Kesehatan"')
    .addOption(new Option('--kind <kind>', 'kind of agency').choices(AGENCY_KINDS).makeOptionMandatory())
    .option('--parent <code>', 'parent agency code (only a city or province may be a root)')
    .option('--notes <text>', 'free text')
    .action(async (code: string, o: StoreOpts & { name: string; kind: AgencyKind; parent?: string; notes?: string }) =>
      withStore(o, async (store) => {
        const parentId = o.parent === undefined ? null : (await store.agencies.getByCode(ALL_AGENCIES, o.parent)).id;
        const a = await store.agencies.create(ALL_AGENCIES, { code, name: o.name, kind: o.kind, parentId, notes: o.notes ?? null });
        io.out(`agency ${a.code} (${a.name}) added\n`);
      })));

  cmd.addCommand(storeOptions(new Command('list'))
    .description('list agencies')
    .addOption(new Option('--kind <kind>', 'only this kind').choices(AGENCY_KINDS))
    .option('--parent <code>', 'only the children of this agency')
    .option('--under <code>', 'this agency and all its descendants')
    .option('--retired', 'include retired agencies', false)
    .addOption(formatOption())
    .action(async (o: StoreOpts & { kind?: AgencyKind; parent?: string; under?: string; retired: boolean; format: OutFormat }) =>
      withStore(o, async (store) => {
        const scope: AgencyScope = o.under === undefined ? ALL_AGENCIES : await store.agencies.scopeOf((await store.agencies.getByCode(ALL_AGENCIES, o.under)).id);
        const parentId = o.parent === undefined ? undefined : (await store.agencies.getByCode(ALL_AGENCIES, o.parent)).id;
        const list = await store.agencies.list(scope, { includeRetired: o.retired, ...(o.kind !== undefined ? { kind: o.kind } : {}), ...(parentId !== undefined ? { parentId } : {}) });
        const codes = await codeMap(store);
        emit(io, o.format, HEADER, list.map((a) => row(a, codes)), list.map((a) => ({ ...a, parentCode: a.parentId === null ? null : codes.get(a.parentId) ?? null })));
      })));

  cmd.addCommand(storeOptions(new Command('show'))
    .description('one agency with its parent, children, contacts, networks and open findings')
    .argument('<code>')
    .addOption(formatOption(['table', 'json']))
    .action(async (code: string, o: StoreOpts & { format: OutFormat }) =>
      withStore(o, async (store) => {
        const a = await store.agencies.getByCode(ALL_AGENCIES, code);
        const [ancestors, children, contacts, networks, counts, windows] = await Promise.all([
          store.agencies.ancestors(ALL_AGENCIES, a.id), store.agencies.children(ALL_AGENCIES, a.id), store.contacts.list(ALL_AGENCIES, { agencyId: a.id }),
          store.networks.list(ALL_AGENCIES, { agencyId: a.id }), store.findings.counts(await store.agencies.scopeOf(a.id)), store.agencies.scanWindows(ALL_AGENCIES, a.id),
        ]);
        if (o.format === 'json') {
          io.out(jsonForTerminal({ agency: a, path: ancestors.map((x) => x.code).reverse(), children, contacts, networks, scanWindows: windows, findings: counts }, 2) + '\n');
          return;
        }
        let s = `${a.code}  ${a.name}\n  kind: ${a.kind}\n  path: ${[...ancestors.map((x) => x.code).reverse(), a.code].join(' > ')}\n`;
        if (a.notes) s += `  notes: ${a.notes}\n`;
        if (a.retiredAt) s += `  retired: ${a.retiredAt}\n`;
        s += `  children: ${children.length === 0 ? '(none)' : children.map((c) => c.code).join(', ')}\n`;
        s += `  contacts:\n${contacts.length === 0 ? '    (none)\n' : contacts.map((c) => `    ${c.role}${c.isPrimary ? '*' : ''}  ${c.name}  ${[c.email, c.phone, c.whatsapp ? `WA ${c.whatsapp}` : null].filter(Boolean).join('  ')}\n`).join('')}`;
        s += `  networks:\n${networks.length === 0 ? '    (none)\n' : networks.map((n) => `    ${n.cidr}  authorised by ${n.authorisedBy} at ${n.authorisedAt}${n.authorisationRef ? ` (${n.authorisationRef})` : ''}\n`).join('')}`;
        s += `  open findings (with descendants): ${SEVERITIES.map((sv) => `${sv} ${counts.openBySeverity[sv]}`).join(', ')}\n`;
        io.out(escapeForTerminal(s, { lines: true })); // stored text cannot drive the terminal (src/domain/text.ts)
      })));

  cmd.addCommand(storeOptions(new Command('update'))
    .description('rename, change kind, or move an agency')
    .argument('<code>')
    .option('--name <name>')
    .addOption(new Option('--kind <kind>').choices(AGENCY_KINDS))
    .option('--parent <code>', 'move under this agency')
    .option('--root', 'make it a root (city/province only)')
    .option('--notes <text>')
    .action(async (code: string, o: StoreOpts & { name?: string; kind?: AgencyKind; parent?: string; root?: boolean; notes?: string }) =>
      withStore(o, async (store) => {
        if (o.parent !== undefined && o.root) throw usageError('--parent and --root exclude each other');
        const a = await store.agencies.getByCode(ALL_AGENCIES, code);
        const parentId = o.root ? null : o.parent === undefined ? undefined : (await store.agencies.getByCode(ALL_AGENCIES, o.parent)).id;
        const u = await store.agencies.update(ALL_AGENCIES, a.id, {
          ...(o.name !== undefined ? { name: o.name } : {}), ...(o.kind !== undefined ? { kind: o.kind } : {}),
          ...(parentId !== undefined ? { parentId } : {}), ...(o.notes !== undefined ? { notes: o.notes } : {}),
        });
        io.out(`agency ${u.code} updated\n`);
      })));

  cmd.addCommand(storeOptions(new Command('retire'))
    .description('retire an agency (kept for history, hidden from lists); refused while it has active children')
    .argument('<code>')
    .action(async (code: string, o: StoreOpts) =>
      withStore(o, async (store) => {
        const a = await store.agencies.getByCode(ALL_AGENCIES, code);
        await store.agencies.retire(ALL_AGENCIES, a.id);
        io.out(`agency ${a.code} retired\n`);
      })));
  return cmd;
}

// ---- network ---------------------------------------------------------------------------------------

function networkCommand(io: CliIo): Command {
  const cmd = new Command('network').description("agencies' registered networks: their scan scope");
  cmd.addCommand(storeOptions(new Command('add'))
    .description('register a network for an agency (refused if it overlaps another agency\'s)')
    .argument('<cidr>', 'e.g. 10.20.5.0/24')
    .requiredOption('--agency <code>')
    .requiredOption('--authorised-by <who>', 'who authorised scanning it (name and position)')
    .option('--authorised-at <time>', 'when (ISO-8601; default now)')
    .option('--ref <reference>', 'authorisation letter number (surat/nota dinas)')
    .option('--label <text>')
    .option('--zone <zone>', 'scan-worker zone that reaches this network')
    .option('--confirm-reason <text>', 'why a block with public space, wider than the configured size (PERISAI_NETWORK_CONFIRM_V4/_V6, default /16 and /48) or with loopback may be scanned')
    .option('--confirmed-by <who>', 'who confirms (default: the operating-system user running the command)')
    .action(async (cidr: string, o: StoreOpts & { agency: string; authorisedBy: string; authorisedAt?: string; ref?: string; label?: string; zone?: string; confirmReason?: string; confirmedBy?: string }) =>
      withStore(o, async (store) => {
        const a = await store.agencies.getByCode(ALL_AGENCIES, o.agency);
        const confirmation = o.confirmReason === undefined ? null : { by: o.confirmedBy ?? `${userInfo().username} (cli)`, reason: o.confirmReason };
        const n = await store.networks.add(ALL_AGENCIES, {
          agencyId: a.id, cidr, authorisedBy: o.authorisedBy, authorisedAt: o.authorisedAt ?? new Date().toISOString(),
          authorisationRef: o.ref ?? null, label: o.label ?? null, zone: o.zone ?? null, confirmation,
        }).catch((e: unknown) => {
          // The store names the API's field; here the answer is a flag.
          if (e instanceof NetworkConfirmationError && e.details['reason'] === 'confirmation-required') throw usageError(`${e.message.replace(/^confirmReason: /, '')}: give it with --confirm-reason "…"`);
          throw e;
        });
        io.out(`network ${n.cidr} registered to ${a.code}${n.confirmation !== null ? ` (confirmed by ${n.confirmation.by}: ${n.confirmation.concerns.join(', ')})` : ''}\n`);
      })));

  cmd.addCommand(storeOptions(new Command('list'))
    .description('list registered networks')
    .option('--agency <code>', 'this agency and its descendants')
    .addOption(formatOption())
    .action(async (o: StoreOpts & { agency?: string; format: OutFormat }) =>
      withStore(o, async (store) => {
        const scope: AgencyScope = o.agency === undefined ? ALL_AGENCIES : await store.agencies.scopeOf((await store.agencies.getByCode(ALL_AGENCIES, o.agency)).id);
        const codes = new Map((await store.agencies.list(ALL_AGENCIES, { includeRetired: true })).map((a) => [a.id, a.code]));
        const list = await store.networks.list(scope);
        emit(io, o.format, ['cidr', 'agency', 'authorised_by', 'authorised_at', 'ref', 'zone', 'label', 'confirmed_by', 'confirmation_reason'],
          list.map((n) => [n.cidr, codes.get(n.agencyId) ?? '', n.authorisedBy, n.authorisedAt, n.authorisationRef ?? '', n.zone ?? '', n.label ?? '', n.confirmation?.by ?? '', n.confirmation?.reason ?? '']),
          list.map((n) => ({ ...n, agencyCode: codes.get(n.agencyId) ?? null })));
      })));

  cmd.addCommand(storeOptions(new Command('remove'))
    .description('remove a registered network (by CIDR or id)')
    .argument('<cidr-or-id>')
    .action(async (key: string, o: StoreOpts) =>
      withStore(o, async (store) => {
        const list = await store.networks.list(ALL_AGENCIES);
        const canon = key.trim().toLowerCase();
        const n = list.find((x) => x.id === key || x.cidr === canon || x.cidr === key.trim());
        if (n === undefined) throw usageError(`no registered network ${key}`);
        await store.networks.remove(ALL_AGENCIES, n.id);
        io.out(`network ${n.cidr} removed\n`);
      })));
  return cmd;
}

// ---- asset -----------------------------------------------------------------------------------------

async function findAsset(store: Store, key: string, agency?: string): Promise<Asset> {
  if (tryParseAddress(key) === undefined) return store.assets.get(ALL_AGENCIES, key);
  const agencyId = agency === undefined ? undefined : (await store.agencies.getByCode(ALL_AGENCIES, agency)).id;
  const hits = (await store.assets.list(ALL_AGENCIES, { search: key, limit: 100, ...(agencyId !== undefined ? { agencyId } : {}) })).filter((a) => a.ip === tryParseAddress(key)!.text);
  if (hits.length === 0) throw usageError(`no asset with address ${key}${agency ? ` in ${agency}` : ''}`);
  if (hits.length > 1) throw usageError(`${hits.length} assets have address ${key} (in different agencies): add --agency CODE or use the asset id`);
  return hits[0]!;
}

function assetCommand(io: CliIo): Command {
  const cmd = new Command('asset').description('assets (hosts) with identity kept across scans');
  const HEADER = ['id', 'agency', 'ip', 'name', 'os', 'criticality', 'risk', 'owner', 'tags', 'last_seen'];
  cmd.addCommand(storeOptions(new Command('list'))
    .description('list assets, by address')
    .option('--agency <code>', 'this agency and its descendants')
    .option('--search <text>', 'address, NetBIOS/DNS name or owner contains')
    .option('--tag <tag>')
    .addOption(new Option('--criticality <c>').choices(CRITICALITIES))
    .option('--risk <rating>', 'critical, high, unknown, medium, low, none')
    .option('--limit <n>', 'at most N assets', positiveInt('--limit'), 1000)
    .addOption(formatOption())
    .action(async (o: StoreOpts & { agency?: string; search?: string; tag?: string; criticality?: Criticality; risk?: string; limit: number; format: OutFormat }) =>
      withStore(o, async (store) => {
        const scope: AgencyScope = o.agency === undefined ? ALL_AGENCIES : await store.agencies.scopeOf((await store.agencies.getByCode(ALL_AGENCIES, o.agency)).id);
        const codes = new Map((await store.agencies.list(ALL_AGENCIES, { includeRetired: true })).map((a) => [a.id, a.code]));
        const list = await store.assets.list(scope, {
          limit: o.limit, ...(o.search !== undefined ? { search: o.search } : {}), ...(o.tag !== undefined ? { tag: o.tag } : {}),
          ...(o.criticality !== undefined ? { criticality: o.criticality } : {}),
          ...(o.risk !== undefined ? { riskRating: choice('--risk', ['critical', 'high', 'unknown', 'medium', 'low', 'none'] as const, o.risk) } : {}),
        });
        emit(io, o.format, HEADER,
          list.map((a) => [a.id, codes.get(a.agencyId) ?? '', a.ip, a.netbiosName ?? a.dnsName ?? '', a.os?.name ?? '', a.criticality, a.riskRating ?? '', a.owner ?? '', a.tags.join(','), a.lastSeen]),
          list.map((a) => ({ ...a, agencyCode: codes.get(a.agencyId) ?? null })));
      })));

  cmd.addCommand(storeOptions(new Command('show'))
    .description('one asset (by id, or by address with --agency when ambiguous) and its findings')
    .argument('<id-or-ip>')
    .option('--agency <code>')
    .addOption(formatOption(['table', 'json']))
    .action(async (key: string, o: StoreOpts & { agency?: string; format: OutFormat }) =>
      withStore(o, async (store) => {
        const a = await findAsset(store, key, o.agency);
        const agency = await store.agencies.get(ALL_AGENCIES, a.agencyId);
        const findings = (await store.findings.list(ALL_AGENCIES, { assetId: a.id, status: FINDING_STATUSES, limit: 1000 })).items;
        if (o.format === 'json') {
          io.out(jsonForTerminal({ asset: { ...a, agencyCode: agency.code }, findings }, 2) + '\n');
          return;
        }
        let s = `${a.ip}  (${a.id})\n  agency: ${agency.code} (${agency.name})\n`;
        if (a.mac) s += `  mac: ${a.mac}\n`;
        if (a.netbiosName) s += `  netbios: ${a.netbiosName}\n`;
        if (a.dnsName) s += `  dns: ${a.dnsName}\n`;
        if (a.os) s += `  os: ${a.os.name}${a.os.eol ? ' (end of support)' : ''}\n`;
        if (a.smb) {
          // What the scans could not tell is printed as unknown (with why), never as "no".
          const unknown = (why: string | undefined): string => `unknown${why !== undefined ? ` (${why})` : ''}`;
          const dialects = a.smb.dialects === null ? 'unknown' : `${a.smb.dialects.join(', ') || 'none'}${a.smb.dialectsComplete ? '' : ' (incomplete)'}`;
          const smbv1 = a.smb.smbv1 === null ? unknown(a.smb.smbv1Reason) : a.smb.smbv1 ? 'offered' : 'not offered';
          s += `  smb: dialects ${dialects}; SMBv1 ${smbv1}; signing ${a.smb.signing ?? unknown(a.smb.signingReason)}\n`;
        }
        s += `  criticality: ${a.criticality}\n  risk: ${a.riskRating ?? 'not rated'}${a.riskReasons.length > 0 ? ` (${a.riskReasons.map((r) => r.ruleId).join(', ')})` : ''}\n`;
        if (a.owner) s += `  owner: ${a.owner}\n`;
        if (a.tags.length > 0) s += `  tags: ${a.tags.join(', ')}\n`;
        if (a.outsideControl) s += `  outside our control — responsible: ${a.responsibleParty ?? ''}\n`;
        s += `  seen: ${a.firstSeen} … ${a.lastSeen}\n  findings:\n`;
        s += findings.length === 0 ? '    (none)\n' : findings.map((f) => `    ${f.severity.padEnd(8)} ${f.status.padEnd(14)} ${f.ruleId} port ${f.port}\n`).join('');
        io.out(escapeForTerminal(s, { lines: true }));
      })));

  cmd.addCommand(storeOptions(new Command('update'))
    .description("set an asset's criticality, owner, tags or outside-control status")
    .argument('<id-or-ip>')
    .option('--agency <code>')
    .addOption(new Option('--criticality <c>').choices(CRITICALITIES))
    .option('--owner <owner>', 'person or unit responsible ("" clears)')
    .option('--tags <tags>', 'replace the tags (comma-separated; "" clears)')
    .option('--outside-control <yes|no>', 'not managed by the agency or Diskominfo')
    .option('--responsible-party <party>', 'who controls it (required with --outside-control yes)')
    .action(async (key: string, o: StoreOpts & { agency?: string; criticality?: Criticality; owner?: string; tags?: string; outsideControl?: string; responsibleParty?: string }) =>
      withStore(o, async (store) => {
        const a = await findAsset(store, key, o.agency);
        const patch: AssetPatch = {
          ...(o.criticality !== undefined ? { criticality: o.criticality } : {}),
          ...(o.owner !== undefined ? { owner: o.owner.trim() === '' ? null : o.owner } : {}),
          ...(o.tags !== undefined ? { tags: splitTags(o.tags) } : {}),
          ...(o.outsideControl !== undefined ? { outsideControl: yesNo('--outside-control', o.outsideControl) } : {}),
          ...(o.responsibleParty !== undefined ? { responsibleParty: o.responsibleParty } : {}),
        };
        if (Object.keys(patch).length === 0) throw usageError('nothing to update: give --criticality, --owner, --tags, --outside-control or --responsible-party');
        const u = await store.assets.update(ALL_AGENCIES, a.id, patch);
        io.out(`asset ${u.ip} (${u.id}) updated\n`);
      })));
  return cmd;
}

// ---- findings ----------------------------------------------------------------------------------------

function findingsCommand(io: CliIo): Command {
  return storeOptions(new Command('findings'))
    .description('findings, worst first (open by default)')
    .option('--agency <code>', 'this agency and its descendants')
    .option('--status <list>', `comma-separated: ${FINDING_STATUSES.join(', ')}, or all`, 'open')
    .addOption(new Option('--min-severity <severity>').choices(SEVERITIES))
    .option('--limit <n>', 'at most N findings (default: 100 for table, all for json/csv)', positiveInt('--limit'))
    .addOption(formatOption())
    .action(async (o: StoreOpts & { agency?: string; status: string; minSeverity?: Severity; limit?: number; format: OutFormat }) =>
      withStore(o, async (store) => {
        const statuses: FindingStatus[] = o.status.trim().toLowerCase() === 'all'
          ? [...FINDING_STATUSES]
          : o.status.split(',').map((s) => choice('--status', FINDING_STATUSES, s));
        const scope: AgencyScope = o.agency === undefined ? ALL_AGENCIES : await store.agencies.scopeOf((await store.agencies.getByCode(ALL_AGENCIES, o.agency)).id);
        const codes = new Map((await store.agencies.list(ALL_AGENCIES, { includeRetired: true })).map((a) => [a.id, a.code]));
        const limit = o.limit ?? (o.format === 'table' ? 100 : Number.POSITIVE_INFINITY);
        const HEADER = ['severity', 'status', 'agency', 'ip', 'name', 'port', 'rule', 'title', 'last_seen', 'id'];
        const cells = (f: FindingView): string[] => [f.severity, f.status, codes.get(f.agencyId) ?? '', f.asset.ip, f.asset.netbiosName ?? f.asset.dnsName ?? '', String(f.port), f.ruleId, f.title.en, f.lastSeen, f.id];
        // json/csv stream page by page (a city-wide list can be 100,000 rows); the table needs widths first.
        if (o.format === 'csv') io.out(csvLine(HEADER));
        if (o.format === 'json') io.out('[');
        const table: string[][] = [];
        let n = 0;
        let cursor: string | undefined;
        do {
          const page = await store.findings.list(scope, {
            status: statuses, limit: Math.min(1000, limit - n), ...(o.minSeverity !== undefined ? { minSeverity: o.minSeverity } : {}), ...(cursor !== undefined ? { cursor } : {}),
          });
          for (const f of page.items) {
            if (o.format === 'csv') io.out(csvLine(cells(f)));
            else if (o.format === 'json') io.out(`${n === 0 ? '\n' : ',\n'}${JSON.stringify({ ...f, agencyCode: codes.get(f.agencyId) ?? null })}`);
            else table.push(cells(f));
            n++;
          }
          cursor = page.next;
        } while (cursor !== undefined && n < limit);
        if (o.format === 'json') io.out(n === 0 ? ']\n' : '\n]\n');
        if (o.format === 'table') {
          io.out(table.length === 0 ? '(no findings)\n' : renderTable(HEADER.slice(0, -1), table.map((r) => r.slice(0, -1))));
          if (cursor !== undefined) io.err(`(first ${n} shown; use --limit or --format csv|json for all)\n`);
        }
      }));
}

// ---- import / export -------------------------------------------------------------------------------

/** The import's phases as the progress bar names them (src/io/import.ts). */
const IMPORT_PHASES: Readonly<Record<ImportProgress['phase'], string>> = {
  reading: 'membaca / reading', matching: 'mencocokkan / matching', staging: 'menyiapkan / staging', publishing: 'menerbitkan / publishing', cleaning: 'membersihkan / cleaning',
};

function importCommand(io: CliIo): Command {
  return storeOptions(new Command('import'))
    .description('import agencies, contacts, networks and assets from a CSV or XLSX file (all or nothing unless --partial)')
    .argument('[file]', '.csv (comma or semicolon, UTF-8) or .xlsx')
    .option('--partial', 'import the good rows even if some rows are bad', false)
    .option('--dry-run', 'validate and report, write nothing', false)
    .option('--no-progress', 'no progress bar on the terminal')
    .addOption(new Option('--template <format>', 'write an empty template instead (with -o)').choices(['xlsx', 'csv']))
    .option('-o, --output <file>', 'where to write the template')
    .addOption(new Option('--format <format>', 'report format').choices(['text', 'json']).default('text'))
    .action(async (file: string | undefined, o: StoreOpts & { partial: boolean; dryRun: boolean; progress: boolean; template?: 'xlsx' | 'csv'; output?: string; format: 'text' | 'json' }) => {
      if (o.template !== undefined) {
        if (o.output === undefined) throw usageError('--template needs -o FILE');
        try {
          await writeTemplate(o.template, o.output);
        } catch (e) {
          throw new CliError(`cannot write ${o.output}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, EXIT.OUTPUT);
        }
        io.out(`template written to ${o.output}\n`);
        return;
      }
      if (file === undefined) throw usageError('import: name the file to import (or --template xlsx|csv -o FILE)');
      // The file is streamed into the import (a city's CSV is 200,000 rows); a bar on a terminal shows where it is.
      const bar = createStepProgress(process.stderr, o.progress);
      let report;
      try {
        report = await withStore(o, (store) => importInventory(store, inventoryRows(file), {
          partial: o.partial, dryRun: o.dryRun, confirmedBy: `${userInfo().username} (import)`,
          onProgress: (p) => bar.update({ label: IMPORT_PHASES[p.phase], done: p.done, total: p.total, elapsedMs: p.elapsedMs }),
        }));
      } finally {
        bar.clear();
      }
      if (o.format === 'json') io.out(JSON.stringify(report, null, 2) + '\n');
      else {
        for (const i of report.errors) io.err(`${formatIssue(i)}\n`);
        const summary = (Object.entries(report.counts) as [string, Record<Outcome, number>][])
          .filter(([, c]) => c.created + c.updated + c.unchanged > 0)
          .map(([k, c]) => `${k}: ${c.created} created, ${c.updated} updated, ${c.unchanged} unchanged`);
        const what = report.dryRun ? 'dry run, nothing written' : report.committed ? 'imported' : 'NOTHING imported';
        const bad = report.errors.length === 0 ? '' : ` ${new Set(report.errors.map((i) => `${i.file}:${i.sheet}:${i.row}`)).size} bad row(s)${report.committed || report.dryRun ? '' : ' (use --partial to import the good rows)'};`;
        io.out(`${report.rows} row(s) read;${bad} ${what}${summary.length > 0 ? `: ${summary.join('; ')}` : ''}\n`);
      }
      // Bad rows make the run fail (exit 2) unless --partial asked for the good ones anyway.
      if (report.errors.length > 0 && !o.partial) process.exitCode = EXIT.USAGE;
    });
}

function exportCommand(io: CliIo): Command {
  return storeOptions(new Command('export'))
    .description('export agencies, contacts, networks, assets or findings as CSV or XLSX')
    .addArgument(new Command().createArgument('<what>', EXPORT_KINDS.join('|')).choices(EXPORT_KINDS))
    .option('--agency <code>', 'this agency and its descendants only')
    .addOption(new Option('--format <format>', 'file format').choices(['csv', 'xlsx']))
    .requiredOption('-o, --output <file>', 'file to write')
    .option('--status <list>', 'findings: comma-separated statuses (default all)')
    .addOption(new Option('--min-severity <severity>', 'findings: at least this severity').choices(SEVERITIES))
    .addOption(new Option('--lang <lang>', 'language of the header row (id: Indonesian labels, en: the column keys); the importer reads both').choices(EXPORT_LANGS).default('en'))
    .action(async (what: ExportKind, o: StoreOpts & { agency?: string; format?: 'csv' | 'xlsx'; output: string; status?: string; minSeverity?: Severity; lang: ExportLang }) => {
      const format = o.format ?? (o.output.toLowerCase().endsWith('.xlsx') ? 'xlsx' : 'csv');
      const status = o.status === undefined || o.status === 'all' ? undefined : o.status.split(',').map((s) => choice('--status', FINDING_STATUSES, s));
      const n = await withStore(o, async (store) => {
        try {
          return await exportInventory(store, {
            kind: what, format, path: o.output, lang: o.lang, ...(o.agency !== undefined ? { agencyCode: o.agency } : {}),
            ...(status !== undefined ? { status } : {}), ...(o.minSeverity !== undefined ? { minSeverity: o.minSeverity } : {}),
          });
        } catch (e) {
          const code = (e as NodeJS.ErrnoException).code;
          if (typeof code === 'string' && /^E[A-Z]+$/.test(code) && !code.startsWith('E_')) throw new CliError(`cannot write ${o.output}: ${code}`, EXIT.OUTPUT);
          throw e;
        }
      });
      io.out(`${n} ${what} row(s) written to ${o.output}\n`);
    });
}

// ---- backup / restore --------------------------------------------------------------------------------

/** The database the backup commands work on: an SQLite file, or a PostgreSQL URL. */
function backupTarget(o: StoreOpts, verb: string): { kind: 'sqlite'; path: string } | { kind: 'postgres'; url: string } {
  let loc;
  try {
    loc = parseStoreUrl(storeUrl(o), o.dataDir);
  } catch (e) {
    throw toCliError(e);
  }
  if (loc.kind === 'sqlite' && loc.path === ':memory:') throw usageError(`${verb}: an in-memory database has nothing to ${verb}`);
  return loc;
}

function backupCommands(io: CliIo): Command[] {
  const backup = storeOptions(new Command('backup'))
    .description('consistent copy of the database with a manifest (size, SHA-256, schema version): SQLite VACUUM INTO, PostgreSQL pg_dump; safe while perisai is running')
    .argument('<file>', 'where to write the copy (its manifest goes to FILE.manifest.json)')
    .option('--force', 'replace FILE if it exists', false)
    .action(async (file: string, o: StoreOpts & { force: boolean }) => {
      const t = backupTarget(o, 'backup');
      await loadVersion();
      try {
        const r = t.kind === 'sqlite'
          ? await backupSqlite(t.path, file, { force: o.force, perisaiVersion: VERSION })
          : await backupPostgres(t.url, file, { force: o.force, perisaiVersion: VERSION });
        const m = r.manifest!;
        io.out(`backup written to ${r.path} (${r.bytes} bytes, SHA-256 ${m.sha256.slice(0, 16)}…, schema ${m.schemaVersion}, ${t.kind === 'sqlite' ? 'integrity ok' : 'table of contents ok'}); manifest ${manifestPath(r.path)}\n`);
        io.out('the secret key is not in the backup: keep a copy of it separately (docs/deploy.md)\n');
      } catch (e) {
        throw toCliError(e);
      }
    });
  const restore = storeOptions(new Command('restore'))
    .description('replace the database with a backup, after proving the backup whole (manifest, checksum, schema, every table and JSON value)')
    .argument('<file>', 'a backup written by perisai backup')
    .option('--force', 'restore even though another process has the database open', false)
    .option('--without-manifest', 'restore a backup from before manifests, on the deep checks alone', false)
    .action(async (file: string, o: StoreOpts & { force: boolean; withoutManifest: boolean }) => {
      const t = backupTarget(o, 'restore');
      try {
        const r = t.kind === 'sqlite'
          ? await restoreSqlite(file, t.path, { force: o.force, withoutManifest: o.withoutManifest })
          : await restorePostgres(file, t.url, { force: o.force, withoutManifest: o.withoutManifest });
        // Without a manifest there is no checksum to compare: only the contents were checked (src/io/backup.ts).
        io.out(`${r.path} restored from ${file} (${r.bytes} bytes, ${r.manifest !== undefined ? 'checksum and contents verified' : 'no manifest: contents verified, no checksum to compare'})\n`);
      } catch (e) {
        throw toCliError(e);
      }
    });
  return [backup, restore];
}

/** Every inventory command, for main.ts to add. */
export function inventoryCommands(io: CliIo = processIo): Command[] {
  return [agencyCommand(io), networkCommand(io), assetCommand(io), findingsCommand(io), importCommand(io), exportCommand(io), ...backupCommands(io)];
}

/**
 * Run inventory commands with `io` as the output and the same exit-code mapping as main.ts; for tests and
 * embedding. Returns the exit code.
 */
export async function runInventoryCli(argv: readonly string[], io: CliIo = processIo): Promise<number> {
  const program = new Command('perisai').exitOverride().configureOutput({ writeOut: (s) => io.out(s), writeErr: (s) => io.err(s) });
  const setup = (c: Command): void => {
    c.exitOverride().configureOutput({ writeOut: (s) => io.out(s), writeErr: (s) => io.err(s) });
    for (const sub of c.commands) setup(sub);
  };
  for (const c of inventoryCommands(io)) {
    setup(c);
    program.addCommand(c);
  }
  const before = process.exitCode;
  process.exitCode = undefined;
  try {
    const refused = controlCharacterArgument(argv);
    if (refused !== undefined) throw usageError(refused);
    await program.parseAsync([...argv], { from: 'user' });
    return typeof process.exitCode === 'number' ? process.exitCode : EXIT.OK;
  } catch (e) {
    const err = toCliError(e);
    if (err instanceof CliError) {
      io.err(`perisai: error: ${escapeForTerminal(err.message, { lines: true })}\n`);
      return err.exitCode;
    }
    if (e instanceof Error && 'code' in e && typeof (e as { code: unknown }).code === 'string' && (e as { code: string }).code.startsWith('commander.')) {
      const code = (e as { code: string }).code;
      return code === 'commander.helpDisplayed' || code === 'commander.help' || code === 'commander.version' ? EXIT.OK : EXIT.USAGE;
    }
    throw e;
  } finally {
    process.exitCode = before;
  }
}

/** Add the inventory commands to the `perisai` program (main.ts), with commander's exit override on every level. */
export function addInventoryCommands(program: Command, io: CliIo = processIo): void {
  const override = (c: Command): void => {
    c.exitOverride();
    for (const sub of c.commands) override(sub);
  };
  for (const c of inventoryCommands(io)) {
    override(c);
    program.addCommand(c);
  }
}
