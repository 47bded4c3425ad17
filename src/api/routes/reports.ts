// The city dashboard and its trend over time, CSV/XLSX exports per agency, and the audit log (admin).
//
// Exports: the header row in the caller's language (`?lang=id|en`, the UI passes its own; default en =
// the column keys, src/io/columns.ts), the same cell texts in CSV and XLSX, formula-guarded; SMB facts
// the scans could not learn are `unknown`, never `false`.

import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { PassThrough } from 'node:stream';
import type { Asset } from '../../domain/asset.js';
import { FINDING_STATUSES } from '../../domain/finding.js';
import { csvRow, safeCell } from '../../engine/output/csv.js';
import { EXPORT_LANGS, headerRow, smbCells, smbOpenCell } from '../../io/columns.js';
import { openXlsxWriter } from '../../io/export.js';
import type { AgencyScope, Store } from '../../store/index.js';
import { addDays, dayKey, DEFAULT_TIME_ZONE as TIME_ZONE } from '../../domain/calendar.js';
import { EXPOSURE_KEYS, sumExposure, zeroExposure } from '../../store/repos/dashboard.js';
import type { TrendRow } from '../../store/repos/dashboard.js';
import type { FindingView } from '../../store/repos/findings.js';
import { ADMIN, READ } from '../access.js';
import { AuditOut, Counts, ExposureOut, IdParams, responses, TrendOut, visibleAgency } from '../schemas.js';

/** The agency's subtree, limited to what the caller may see. */
async function subtree(store: Store, scope: AgencyScope, agencyId: string): Promise<ReadonlySet<string>> {
  await store.agencies.get(scope, agencyId); // 404 when outside the caller's scope
  const sub = await store.agencies.scopeOf(agencyId);
  return new Set([...sub].filter((id) => scope === 'all' || scope.has(id)));
}

function attachment(name: string): string {
  return `attachment; filename="${name.replace(/[^A-Za-z0-9._-]/g, '_')}"`;
}

/** One export table: its columns (name, cell text of an item) and its items in scope, page by page. */
interface ExportDef<T> {
  readonly summary: string;
  readonly columns: readonly (readonly [string, (item: T, code: (agencyId: string) => string) => string])[];
  rows(store: Store, scope: AgencyScope): AsyncIterable<T>;
}

type ExportTable = 'findings' | 'assets';

async function* allFindings(store: Store, scope: AgencyScope): AsyncIterable<FindingView> {
  let cursor: string | undefined;
  do {
    const page = await store.findings.list(scope, { status: FINDING_STATUSES, limit: 1000, ...(cursor !== undefined ? { cursor } : {}) });
    yield* page.items;
    cursor = page.next;
  } while (cursor !== undefined);
}

async function* allAssets(store: Store, scope: AgencyScope): AsyncIterable<Asset> {
  let after: string | undefined;
  for (;;) {
    const page = await store.assets.list(scope, { limit: 2000, ...(after !== undefined ? { after } : {}) });
    yield* page;
    if (page.length < 2000) return;
    after = page[page.length - 1]!.id;
  }
}

/** THE columns of the per-agency exports, CSV and XLSX alike. */
const EXPORTS: { readonly findings: ExportDef<FindingView>; readonly assets: ExportDef<Asset> } = {
  findings: {
    summary: 'Findings of an agency and its units (all statuses)',
    rows: allFindings,
    columns: [
      ['agency', (f, code) => code(f.agencyId)], ['ip', (f) => f.asset.ip], ['netbios_name', (f) => f.asset.netbiosName ?? ''], ['dns_name', (f) => f.asset.dnsName ?? ''],
      ['rule', (f) => f.ruleId], ['port', (f) => String(f.port)], ['severity', (f) => f.severity], ['status', (f) => f.status],
      ['title_id', (f) => f.title.id], ['title_en', (f) => f.title.en], ['first_seen', (f) => f.firstSeen], ['last_seen', (f) => f.lastSeen],
      ['times_seen', (f) => String(f.timesSeen)], ['exception', (f) => f.exception?.kind ?? ''], ['exception_reason', (f) => f.exception?.reason ?? ''],
      ['exception_expires_at', (f) => f.exception?.expiresAt ?? ''],
    ],
  },
  assets: {
    summary: 'Assets of an agency and its units',
    rows: allAssets,
    columns: [
      ['agency', (a, code) => code(a.agencyId)], ['ip', (a) => a.ip], ['mac', (a) => a.mac ?? ''], ['netbios_name', (a) => a.netbiosName ?? ''],
      ['dns_name', (a) => a.dnsName ?? ''], ['os', (a) => a.os?.name ?? ''], ['smb_open', (a) => smbOpenCell(a.smbOpen)],
      ['smbv1', (a) => smbCells(a.smb).smbv1], ['smb_signing', (a) => smbCells(a.smb).smb_signing], ['smb_dialects', (a) => smbCells(a.smb).smb_dialects],
      ['criticality', (a) => a.criticality], ['owner', (a) => a.owner ?? ''], ['tags', (a) => a.tags.join(' ')], ['risk_rating', (a) => a.riskRating ?? ''],
      ['first_seen', (a) => a.firstSeen], ['last_seen', (a) => a.lastSeen],
    ],
  },
};

const FILE_TYPES = { csv: 'text/csv', xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' } as const;
const FILE_DESCRIPTIONS = {
  csv: 'text/csv; charset=utf-8 (RFC 4180, formula-injection guarded)',
  xlsx: 'an XLSX workbook, one sheet; cells are text, formula-injection guarded like the CSV',
} as const;

/** The rows as an XLSX workbook (io/export.ts's table writer), collected in memory for the response. */
async function xlsxBuffer(sheet: string, header: readonly string[], keys: readonly string[], rows: AsyncIterable<readonly string[]>): Promise<Buffer> {
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<void>((resolve, reject) => {
    out.once('end', resolve);
    out.once('error', reject);
  });
  const w = openXlsxWriter({ stream: out }, sheet, header, keys);
  for await (const row of rows) await w.row(row.map(safeCell));
  await w.close();
  await done;
  return Buffer.concat(chunks);
}

export function reportRoutes(app: FastifyInstance, deps: { store: Store; clock: () => Date }): void {
  const { store, clock } = deps;
  const r = app.withTypeProvider<TypeBoxTypeProvider>();

  r.get('/api/v1/dashboard', {
    config: { access: { roles: READ } },
    schema: {
      tags: ['dashboard'],
      summary: 'Exposure of the city (or the caller\'s agencies): hosts known and scanned, SMB open, SMB reachable from outside the segment, SMBv1, MS17-010, DoublePulsar, unknown — by agency',
      response: responses({
        200: Type.Object({
          generatedAt: Type.String(),
          totals: Type.Omit(ExposureOut, ['agencyId']),
          agencies: Type.Array(Type.Intersect([ExposureOut, Type.Object({ code: Type.String(), name: Type.String(), parentId: Type.Union([Type.String(), Type.Null()]) })])),
          findings: Counts,
        }),
      }),
    },
  }, async (request) => {
    const scope = request.scope;
    const [rows, agencies, findings] = await Promise.all([store.dashboard.exposureByAgency(scope), store.agencies.list(scope), store.findings.counts(scope)]);
    const byId = new Map(rows.map((x) => [x.agencyId, x]));
    const totals = zeroExposure();
    const out = agencies.map((a) => {
      const x = byId.get(a.id) ?? { agencyId: a.id, ...zeroExposure() };
      for (const k of EXPOSURE_KEYS) totals[k] += x[k];
      return { ...x, agencyId: a.id, code: a.code, name: a.name, parentId: visibleAgency(scope, a).parentId };
    });
    return { generatedAt: clock().toISOString(), totals, agencies: out, findings };
  });

  r.get('/api/v1/dashboard/trend', {
    config: { access: { roles: READ } },
    schema: {
      tags: ['dashboard'],
      summary: 'The dashboard\'s numbers per day over the last `days` days (city time zone), for the caller\'s agencies or `agencyId` and its units. '
        + 'Past days: the day\'s last hourly snapshot (null where none was recorded); today: live.',
      querystring: Type.Object({
        days: Type.Integer({ minimum: 1, maximum: 366, default: 30 }),
        agencyId: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
      }),
      response: responses({ 200: TrendOut }),
    },
  }, async (request) => {
    const scope = request.query.agencyId === undefined ? request.scope : await subtree(store, request.scope, request.query.agencyId);
    const to = dayKey(clock(), TIME_ZONE);
    const from = addDays(to, 1 - request.query.days);
    const [past, live] = await Promise.all([store.dashboard.trend(scope, { from, to: addDays(to, -1) }), store.dashboard.exposureByAgency(scope)]);
    const byDay = new Map<string, Omit<TrendRow, 'day'>>(past.map((x) => [x.day, x]));
    byDay.set(to, sumExposure(live));
    const days = [];
    for (let day = from; day <= to; day = addDays(day, 1)) {
      const x = byDay.get(day);
      days.push({ day, recorded: x !== undefined, ...Object.fromEntries(EXPOSURE_KEYS.map((k) => [k, x?.[k] ?? null])) });
    }
    return { timeZone: TIME_ZONE, from, to, days };
  });

  // Per-agency exports: findings and assets of an agency and its units, as CSV or XLSX. The columns are
  // defined once (EXPORTS below); both formats carry the same cell texts, formula-guarded (safeCell).
  for (const [kind, table] of Object.entries(EXPORTS) as [ExportTable, ExportDef<unknown>][]) {
    for (const format of ['csv', 'xlsx'] as const) {
      r.get(`/api/v1/agencies/:id/${kind}.${format}`, {
        config: { access: { roles: READ } },
        schema: {
          tags: ['exports'], summary: `${table.summary} as ${format === 'csv' ? 'CSV' : 'XLSX (bold frozen header, column widths)'}; header row in \`lang\` (id or en, default en)`, params: IdParams,
          querystring: Type.Object({ lang: Type.Optional(Type.Union(EXPORT_LANGS.map((l) => Type.Literal(l)))) }),
          produces: [FILE_TYPES[format]], response: responses({ 200: Type.String({ description: FILE_DESCRIPTIONS[format] }) }),
        },
      }, async (request, reply) => {
        const scope = await subtree(store, request.scope, request.params.id);
        const codes = new Map((await store.agencies.list(scope)).map((a) => [a.id, a.code]));
        const code = (id: string): string => codes.get(id) ?? id;
        const keys = table.columns.map(([name]) => name);
        const header = headerRow(keys, request.query.lang ?? 'en');
        const rows = (async function* () {
          for await (const item of table.rows(store, scope)) yield table.columns.map(([, cell]) => cell(item, code));
        })();
        const name = `perisai-${kind}-${codes.get(request.params.id) ?? 'agency'}.${format}`;
        void reply.type(FILE_TYPES[format] + (format === 'csv' ? '; charset=utf-8' : '')).header('content-disposition', attachment(name));
        if (format === 'csv') {
          let out = csvRow(header);
          for await (const row of rows) out += csvRow(row);
          return reply.send(out);
        }
        return reply.send(await xlsxBuffer(kind, header, keys, rows));
      });
    }
  }

  r.get('/api/v1/audit', {
    config: { access: { roles: ADMIN } },
    schema: {
      tags: ['audit'], summary: 'The audit log, newest first; `before` = smallest id of the previous page',
      querystring: Type.Object({
        actorId: Type.Optional(Type.String({ maxLength: 64 })), action: Type.Optional(Type.String({ maxLength: 100 })),
        outcome: Type.Optional(Type.Union([Type.Literal('success'), Type.Literal('failure'), Type.Literal('denied')])),
        before: Type.Optional(Type.Integer({ minimum: 1 })), limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 100 })),
      }),
      response: responses({ 200: Type.Object({ items: Type.Array(AuditOut) }) }),
    },
  }, async (request) => ({ items: await store.audit.list(request.query) }));
}
