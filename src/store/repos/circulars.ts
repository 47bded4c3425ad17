// Circulars (docs/circulars.md): templates as versioned data, the numbering register, circulars with every
// version's text, distribution and acknowledgement per agency, per-agency links (token hashes only),
// answers per agency × item with review, history and verification, evidence metadata, reminders, the
// scan evidence per network and rule, emergency campaigns with reconnect gates and situation reports.
//
// Verification is stored with each answer and recomputed (verifyAgency) whenever the agency answers and
// after every scan that touched the agency's networks (src/worker/circular-hook.ts), so the board reads
// stored states and never walks the findings (docs/performance.md "Circular board").

import { randomUUID } from 'node:crypto';
import type { Selectable } from 'kysely';
import { sql } from 'kysely';
import { PerisaiError, notFound } from '../../domain/errors.js';
import {
  circularError, DEFAULT_NUMBER_PATTERN, DEFAULT_REMINDER_POLICY, formatLetterNumber, isAttested, isComplete, validateContent, verifyItem,
} from '../../domain/circular.js';
import type {
  AnswerStatus, CircularContent, CircularStatus, GateBlocker, GateState, KbCheck, NetworkRuleCheck, OpenFindingRef, ReminderPolicy, ReviewState, Text,
  ValidAnswer, VerificationHost, VerificationState, UnverifiableWhy,
} from '../../domain/circular.js';
import type { CircularTemplate, CircularTemplateSource } from '../../domain/circulars/wannacry-2017.js';
import type { Ctx } from '../context.js';
import { chunks, nowIso, run, tx } from '../context.js';
import type { AgencyScope } from '../scope.js';
import { assertInScope, scopeFilter } from '../scope.js';
import type { CircularAnswerTable, CircularRescanTable, CircularTable, CircularTemplateTable } from '../schema-circulars.js';
import type { OutboxInput } from './outbox.js';
import { deliveryStates, enqueueOutbox, outboxRow } from './outbox.js';

export interface StoredTemplate {
  readonly id: string;
  readonly key: string;
  readonly version: number;
  readonly name: Text;
  readonly description: Text;
  readonly content: CircularContent;
  readonly sources: readonly CircularTemplateSource[];
  readonly builtin: boolean;
  readonly createdBy: string;
  readonly createdAt: string;
}

export interface CircularSummary {
  readonly id: string;
  readonly number: string | null;
  readonly status: CircularStatus;
  readonly version: number;
  readonly subject: Text;
  readonly templateKey: string | null;
  readonly createdBy: string;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly sentAt: string | null;
  readonly sentBy: string | null;
  readonly closedAt: string | null;
  readonly closedBy: string | null;
}

export interface StoredCircular extends CircularSummary {
  readonly content: CircularContent;
  readonly reminderPolicy: ReminderPolicy;
  readonly versions: readonly { readonly version: number; readonly note: string | null; readonly createdBy: string; readonly createdAt: string; readonly sentAt: string | null }[];
}

export interface Acknowledgement {
  readonly version: number;
  readonly at: string;
  readonly name: string;
  readonly position: string;
  readonly phone: string | null;
}

export interface Recipient {
  readonly circularId: string;
  readonly agencyId: string;
  readonly agencyCode: string;
  readonly agencyName: string;
  /** The version last sent to the agency. */
  readonly version: number;
  readonly sentAt: string;
  readonly deliveredAt: string | null;
  readonly bouncedAt: string | null;
  readonly bounceReason: string | null;
  readonly seenAt: string | null;
  /** The latest acknowledgement, whichever version it accepted. */
  readonly ack: Acknowledgement | null;
  /** The agency acknowledged the version it was last sent. */
  readonly acknowledged: boolean;
}

export interface StoredVerification {
  readonly state: VerificationState;
  readonly why: UnverifiableWhy | null;
  readonly hosts: readonly VerificationHost[];
  readonly jobId: string | null;
  readonly at: string | null;
}

export interface StoredAnswer {
  readonly circularId: string;
  readonly agencyId: string;
  readonly itemCode: string;
  readonly status: AnswerStatus;
  readonly reason: string | null;
  readonly targetDate: string | null;
  readonly machinesDone: number | null;
  readonly machinesTotal: number | null;
  readonly note: string | null;
  readonly os: string | null;
  readonly kbs: readonly string[];
  readonly kbHint: KbCheck | null;
  readonly answeredBy: string;
  readonly answeredVia: 'user' | 'link';
  readonly answeredAt: string;
  readonly attestedAt: string | null;
  readonly review: { readonly state: ReviewState; readonly by: string | null; readonly at: string | null; readonly comment: string | null };
  readonly verification: StoredVerification;
  readonly revision: number;
}

export interface AnswerEvent {
  readonly id: number;
  readonly kind: 'answer' | 'review' | 'verification';
  readonly at: string;
  readonly actor: string;
  readonly data: Record<string, unknown>;
}

export interface CircularLink {
  readonly id: string;
  readonly circularId: string;
  readonly agencyId: string;
  readonly expiresAt: string;
  readonly createdBy: string;
  readonly createdAt: string;
  readonly revokedAt: string | null;
  readonly revokedBy: string | null;
  readonly lastUsedAt: string | null;
}

export interface EvidenceMeta {
  readonly id: string;
  readonly circularId: string;
  readonly agencyId: string;
  readonly itemCode: string;
  readonly sha256: string;
  readonly contentType: string;
  readonly size: number;
  readonly originalName: string | null;
  readonly path: string;
  readonly uploadedBy: string;
  readonly createdAt: string;
}

export interface Campaign {
  readonly id: string;
  readonly circularId: string;
  readonly profile: string;
  readonly rules: readonly string[];
  readonly startedBy: string;
  readonly startedAt: string;
  readonly windowOverride: boolean;
  readonly overrideReason: string | null;
  readonly jobs: readonly { readonly agencyId: string; readonly networkId: string; readonly jobId: string | null; readonly kind: string; readonly reason: string | null; readonly at: string }[];
}

export interface Gate {
  readonly campaignId: string;
  readonly agencyId: string;
  readonly state: GateState;
  readonly disconnectedAt: string;
  readonly clearedAt: string | null;
  readonly decidedBy: string | null;
  readonly decidedAt: string | null;
  readonly reason: string | null;
  readonly override: boolean;
}

export interface GateEvent {
  readonly id: number;
  readonly state: GateState;
  readonly by: string;
  readonly at: string;
  readonly reason: string | null;
  readonly override: boolean;
  readonly blockers: readonly GateBlocker[];
}

export interface Sitrep {
  readonly id: string;
  readonly campaignId: string;
  readonly version: number;
  readonly snapshot: unknown;
  readonly createdBy: string;
  readonly createdAt: string;
}

/** One sending of a situation report (docs/circulars.md "Situation reports"). */
export interface SitrepSend {
  readonly id: number;
  readonly sitrepId: string;
  /** The head of office it was addressed to (null: none named then; the channels' own recipients got it). */
  readonly to: { readonly name: string; readonly position: string; readonly email: string | null } | null;
  readonly sentBy: string;
  readonly sentAt: string;
  readonly deliveredAt: string | null;
  readonly bouncedAt: string | null;
  readonly error: string | null;
}

export interface BoardItem {
  readonly code: string;
  readonly status: AnswerStatus;
  readonly verification: VerificationState;
  readonly why: UnverifiableWhy | null;
  /** IPs of the offending hosts (contradicted) or of those that kept it unverifiable; the first BOARD_HOSTS. */
  readonly hosts: readonly string[];
  /** How many hosts there are in all (the answer's verification lists them with their evidence). */
  readonly hostCount: number;
  readonly review: ReviewState;
  readonly complete: boolean;
  readonly checkable: boolean;
  readonly required: boolean;
}

export interface BoardRow {
  readonly agencyId: string;
  readonly agencyCode: string;
  readonly agencyName: string;
  readonly sentAt: string;
  readonly seenAt: string | null;
  readonly acknowledged: boolean;
  readonly ack: Acknowledgement | null;
  readonly items: readonly BoardItem[];
  readonly gate: GateState | null;
  readonly openCritical: number;
  readonly openHigh: number;
}

/** A verification that changed when recomputed (the hook alerts on new contradictions). */
export interface VerificationChange {
  readonly agencyId: string;
  readonly itemCode: string;
  readonly from: VerificationState;
  readonly to: StoredVerification;
}

function text(v: unknown): Text {
  const o = (v ?? {}) as Partial<Text>;
  return { id: String(o.id ?? ''), en: String(o.en ?? '') };
}

export class CircularRepo {
  readonly #ctx: Ctx;
  constructor(ctx: Ctx) {
    this.#ctx = ctx;
  }

  // ---- templates ----------------------------------------------------------------------------------------

  #toTemplate(ctx: Ctx, r: Selectable<CircularTemplateTable>): StoredTemplate {
    return {
      id: r.id, key: r.key, version: r.version, name: text(ctx.d.fromJson(r.name)), description: text(ctx.d.fromJson(r.description)),
      content: ctx.d.fromJson<CircularContent>(r.content)!, sources: ctx.d.fromJson<CircularTemplateSource[]>(r.sources) ?? [], builtin: ctx.d.fromBool(r.builtin),
      createdBy: r.created_by, createdAt: r.created_at,
    };
  }

  /** Store each shipped template as version 1 of its key when the key has no version yet. */
  async ensureBuiltIns(templates: readonly CircularTemplate[]): Promise<number> {
    return tx(this.#ctx, 'installing the built-in circular templates', async (ctx) => {
      await ctx.d.lock(ctx.db, 'circular_templates');
      let n = 0;
      for (const t of templates) {
        if ((await ctx.db.selectFrom('circular_templates').select('id').where('key', '=', t.key).executeTakeFirst()) !== undefined) continue;
        await ctx.db.insertInto('circular_templates').values({
          id: randomUUID(), key: t.key, version: 1, name: ctx.d.json(t.name), description: ctx.d.json(t.description), content: ctx.d.json(validateContent(t.content)),
          sources: ctx.d.json(t.sources), builtin: ctx.d.bool(true), created_by: 'perisai', created_at: nowIso(ctx),
        }).execute();
        n++;
      }
      return n;
    });
  }

  /** The latest version of every key (or every version with `allVersions`). */
  async listTemplates(opts: { allVersions?: boolean } = {}): Promise<StoredTemplate[]> {
    const rows = await run(this.#ctx, 'listing circular templates', (db) => db.selectFrom('circular_templates').selectAll().orderBy('key').orderBy('version', 'desc').execute());
    const out = rows.map((r) => this.#toTemplate(this.#ctx, r));
    return opts.allVersions === true ? out : out.filter((p, i) => i === 0 || out[i - 1]!.key !== p.key);
  }

  async getTemplate(id: string): Promise<StoredTemplate> {
    const r = await run(this.#ctx, 'reading a circular template', (db) => db.selectFrom('circular_templates').selectAll().where('id', '=', id).executeTakeFirst());
    if (r === undefined) throw notFound('circular template', id);
    return this.#toTemplate(this.#ctx, r);
  }

  /** Save a template as the next version of its key (version 1 of a new key: a copy). */
  async saveTemplate(t: { key: string; name: Text; description: Text; content: CircularContent; sources?: readonly CircularTemplateSource[] }, by: string): Promise<StoredTemplate> {
    if (!/^[a-z0-9][a-z0-9-]{1,62}$/.test(t.key)) throw circularError('key', 'lower-case letters, digits and dashes (2–63)', 'huruf kecil, angka dan tanda hubung (2–63)');
    const content = validateContent(t.content);
    return tx(this.#ctx, `saving circular template ${t.key}`, async (ctx) => {
      await ctx.d.lock(ctx.db, 'circular_templates');
      const last = await ctx.db.selectFrom('circular_templates').select(['version', 'sources']).where('key', '=', t.key).orderBy('version', 'desc').limit(1).executeTakeFirst();
      const row = {
        id: randomUUID(), key: t.key, version: (last?.version ?? 0) + 1, name: ctx.d.json(t.name), description: ctx.d.json(t.description), content: ctx.d.json(content),
        sources: t.sources !== undefined ? ctx.d.json(t.sources) : (last?.sources ?? ctx.d.json([])), builtin: ctx.d.bool(false), created_by: by, created_at: nowIso(ctx),
      };
      await ctx.db.insertInto('circular_templates').values(row).execute();
      return this.#toTemplate(ctx, row);
    });
  }

  // ---- circulars --------------------------------------------------------------------------------------

  #summary(ctx: Ctx, r: Selectable<CircularTable>, parsed?: CircularContent): CircularSummary {
    const content = parsed ?? ctx.d.fromJson<CircularContent>(r.content)!;
    return {
      id: r.id, number: r.number, status: r.status as CircularStatus, version: r.current_version, subject: content.subject, templateKey: r.template_key,
      createdBy: r.created_by, createdAt: r.created_at, updatedAt: r.updated_at, sentAt: r.sent_at, sentBy: r.sent_by, closedAt: r.closed_at, closedBy: r.closed_by,
    };
  }

  async create(input: { content: CircularContent; templateKey?: string | null; reminderPolicy?: ReminderPolicy }, by: string): Promise<StoredCircular> {
    const content = validateContent(input.content);
    const id = await tx(this.#ctx, 'creating a circular', async (ctx) => {
      const now = nowIso(ctx);
      const id = randomUUID();
      await ctx.db.insertInto('circulars').values({
        id, number: null, status: 'draft', template_key: input.templateKey ?? null, current_version: 1, content: ctx.d.json(content),
        reminder_policy: ctx.d.json(input.reminderPolicy ?? DEFAULT_REMINDER_POLICY), created_by: by, created_at: now, updated_at: now,
        sent_at: null, sent_by: null, closed_at: null, closed_by: null,
      }).execute();
      await ctx.db.insertInto('circular_versions').values({ circular_id: id, version: 1, content: ctx.d.json(content), note: null, created_by: by, created_at: now, sent_at: null }).execute();
      return id;
    });
    return this.get(id);
  }

  /** Newest first. With a scope other than 'all', only circulars sent to an agency in it (the agency inbox). */
  async list(scope: AgencyScope, filter: { status?: CircularStatus; limit?: number } = {}): Promise<CircularSummary[]> {
    const rows = await run(this.#ctx, 'listing circulars', (db) => {
      let q = db.selectFrom('circulars').selectAll();
      if (filter.status !== undefined) q = q.where('status', '=', filter.status);
      if (scope !== 'all') q = q.where('id', 'in', db.selectFrom('circular_recipients').select('circular_id').where(scopeFilter('agency_id', scope)));
      return q.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(Math.min(Math.max(filter.limit ?? 200, 1), 1000)).execute();
    });
    return rows.map((r) => this.#summary(this.#ctx, r));
  }

  /** A circular; a scoped caller sees only one sent to an agency in its scope (else 404). */
  async get(id: string, scope: AgencyScope = 'all'): Promise<StoredCircular> {
    return run(this.#ctx, 'reading a circular', async (db) => {
      const r = await db.selectFrom('circulars').selectAll().where('id', '=', id).executeTakeFirst();
      if (r === undefined) throw notFound('circular', id);
      if (scope !== 'all') {
        const seen = await db.selectFrom('circular_recipients').select('agency_id').where('circular_id', '=', id).where(scopeFilter('agency_id', scope)).executeTakeFirst();
        if (seen === undefined) throw notFound('circular', id);
      }
      const versions = await db.selectFrom('circular_versions').select(['version', 'note', 'created_by', 'created_at', 'sent_at']).where('circular_id', '=', id).orderBy('version').execute();
      return {
        ...this.#summary(this.#ctx, r), content: this.#ctx.d.fromJson<CircularContent>(r.content)!, reminderPolicy: this.#ctx.d.fromJson<ReminderPolicy>(r.reminder_policy)!,
        versions: versions.map((v) => ({ version: v.version, note: v.note, createdBy: v.created_by, createdAt: v.created_at, sentAt: v.sent_at })),
      };
    });
  }

  /** The text of one version (what an acknowledgement accepted). */
  async version(id: string, version: number, scope: AgencyScope = 'all'): Promise<{ version: number; content: CircularContent; note: string | null; createdAt: string; sentAt: string | null }> {
    await this.get(id, scope);
    const r = await run(this.#ctx, 'reading a circular version', (db) => db.selectFrom('circular_versions').selectAll().where('circular_id', '=', id).where('version', '=', version).executeTakeFirst());
    if (r === undefined) throw notFound('circular version', `${id}@${version}`);
    return { version: r.version, content: this.#ctx.d.fromJson<CircularContent>(r.content)!, note: r.note, createdAt: r.created_at, sentAt: r.sent_at };
  }

  /**
   * Edit a circular. A draft is edited in place (still version 1 …); a sent circular gets a new version,
   * which the next send delivers and which asks every agency to acknowledge again — the acknowledgements
   * given keep the version they accepted. Item codes cannot disappear once answers refer to them.
   */
  async update(id: string, input: { content: CircularContent; note?: string | null; reminderPolicy?: ReminderPolicy }, by: string): Promise<StoredCircular> {
    const content = validateContent(input.content);
    await tx(this.#ctx, `updating circular ${id}`, async (ctx) => {
      const c = await ctx.db.selectFrom('circulars').selectAll().where('id', '=', id).executeTakeFirst();
      if (c === undefined) throw notFound('circular', id);
      if (c.status === 'closed') throw circularError('status', 'the circular is closed', 'surat edaran sudah ditutup', { reason: 'closed' });
      const answered = await ctx.db.selectFrom('circular_answers').select('item_code').distinct().where('circular_id', '=', id).execute();
      const gone = answered.map((a) => a.item_code).filter((code) => !content.items.some((i) => i.code === code));
      if (gone.length > 0) throw circularError('items', `items ${gone.join(', ')} have answers and cannot be removed`, `butir ${gone.join(', ')} sudah dijawab dan tidak dapat dihapus`);
      const now = nowIso(ctx);
      const last = await ctx.db.selectFrom('circular_versions').select(['version', 'sent_at']).where('circular_id', '=', id).orderBy('version', 'desc').limit(1).executeTakeFirstOrThrow();
      const policy = input.reminderPolicy !== undefined ? { reminder_policy: ctx.d.json(input.reminderPolicy) } : {};
      if (last.sent_at === null) {
        await ctx.db.updateTable('circular_versions').set({ content: ctx.d.json(content), note: input.note ?? null, created_by: by, created_at: now }).where('circular_id', '=', id).where('version', '=', last.version).execute();
        await ctx.db.updateTable('circulars').set({ content: ctx.d.json(content), updated_at: now, ...policy }).where('id', '=', id).execute();
      } else {
        const version = last.version + 1;
        await ctx.db.insertInto('circular_versions').values({ circular_id: id, version, content: ctx.d.json(content), note: input.note ?? null, created_by: by, created_at: now, sent_at: null }).execute();
        await ctx.db.updateTable('circulars').set({ content: ctx.d.json(content), current_version: version, updated_at: now, ...policy }).where('id', '=', id).execute();
      }
    });
    return this.get(id);
  }

  /**
   * Send the current version to `agencyIds` (the resolved audience): the number comes from the register of
   * the sending year on the first send; each agency gets a recipient row and the outbox a `circular.sent`
   * message (`message` builds it) in the same transaction.
   */
  async send(id: string, args: { agencyIds: readonly string[]; by: string; message: (r: { agencyId: string; number: string; version: number }) => OutboxInput }): Promise<StoredCircular> {
    if (args.agencyIds.length === 0) throw circularError('audience', 'the audience has no active agency', 'sasaran surat edaran tidak memuat instansi aktif');
    await tx(this.#ctx, `sending circular ${id}`, async (ctx) => {
      const c = await ctx.db.selectFrom('circulars').selectAll().where('id', '=', id).executeTakeFirst();
      if (c === undefined) throw notFound('circular', id);
      if (c.status === 'closed') throw circularError('status', 'the circular is closed', 'surat edaran sudah ditutup', { reason: 'closed' });
      const now = nowIso(ctx);
      let number = c.number;
      if (number === null) {
        await ctx.d.lock(ctx.db, 'circular_registers');
        const year = new Date(now).getUTCFullYear();
        const reg = await ctx.db.selectFrom('circular_registers').selectAll().where('year', '=', year).executeTakeFirst();
        const serial = (reg?.last_serial ?? 0) + 1;
        const pattern = reg?.pattern ?? DEFAULT_NUMBER_PATTERN;
        if (reg === undefined) await ctx.db.insertInto('circular_registers').values({ year, pattern, last_serial: serial }).execute();
        else await ctx.db.updateTable('circular_registers').set({ last_serial: serial }).where('year', '=', year).execute();
        number = formatLetterNumber(pattern, serial, now);
      }
      const version = c.current_version;
      await ctx.db.updateTable('circular_versions').set({ sent_at: now }).where('circular_id', '=', id).where('version', '=', version).where('sent_at', 'is', null).execute();
      await ctx.db.updateTable('circulars').set({ status: 'sent', number, sent_at: c.sent_at ?? now, sent_by: c.sent_by ?? args.by, updated_at: now }).where('id', '=', id).execute();
      const existing = new Map((await ctx.db.selectFrom('circular_recipients').select(['agency_id', 'version']).where('circular_id', '=', id).execute()).map((r) => [r.agency_id, r.version]));
      const messages: OutboxInput[] = [];
      for (const agencyId of args.agencyIds) {
        const had = existing.get(agencyId);
        if (had === version) continue; // already has this version
        if (had === undefined) {
          await ctx.db.insertInto('circular_recipients').values({
            circular_id: id, agency_id: agencyId, version, sent_at: now, delivered_at: null, bounced_at: null, bounce_reason: null, seen_at: null,
            ack_version: null, ack_at: null, ack_name: null, ack_position: null, ack_phone: null,
          }).execute();
        } else {
          await ctx.db.updateTable('circular_recipients').set({ version, sent_at: now, delivered_at: null, bounced_at: null, bounce_reason: null }).where('circular_id', '=', id).where('agency_id', '=', agencyId).execute();
        }
        messages.push(args.message({ agencyId, number, version }));
      }
      await enqueueOutbox(ctx, messages.map((m) => ({
        topic: m.topic, dedup_key: m.dedupKey, agency_id: m.agencyId ?? null, payload: ctx.d.json(m.payload), created_at: now, available_at: now, attempts: 0, locked_until: null, delivered_at: null, last_error: null,
      })));
    });
    return this.get(id);
  }

  async close(id: string, by: string): Promise<StoredCircular> {
    await tx(this.#ctx, `closing circular ${id}`, async (ctx) => {
      const c = await ctx.db.selectFrom('circulars').select(['status']).where('id', '=', id).executeTakeFirst();
      if (c === undefined) throw notFound('circular', id);
      if (c.status !== 'sent') throw circularError('status', `a ${c.status} circular cannot be closed`, c.status === 'closed' ? 'surat edaran sudah ditutup' : 'surat edaran yang belum dikirim tidak dapat ditutup', { reason: c.status });
      const now = nowIso(ctx);
      await ctx.db.updateTable('circulars').set({ status: 'closed', closed_at: now, closed_by: by, updated_at: now }).where('id', '=', id).execute();
    });
    return this.get(id);
  }

  /** Sent (not closed) circulars: the reminder runner and the finalize hook look at these. */
  async active(): Promise<StoredCircular[]> {
    const ids = await run(this.#ctx, 'listing sent circulars', (db) => db.selectFrom('circulars').select('id').where('status', '=', 'sent').orderBy('sent_at').execute());
    return Promise.all(ids.map((r) => this.get(r.id)));
  }

  // ---- recipients, seen, acknowledgement -------------------------------------------------------------

  /** Recipients in scope, with delivery read from the outbox (`circular.sent` of the version they were sent). */
  async recipients(id: string, scope: AgencyScope): Promise<Recipient[]> {
    return run(this.#ctx, 'reading circular recipients', async (db) => {
      const rows = await db.selectFrom('circular_recipients').innerJoin('agencies', 'agencies.id', 'circular_recipients.agency_id')
        .selectAll('circular_recipients').select(['agencies.code', 'agencies.name'])
        .where('circular_id', '=', id).where(scopeFilter('circular_recipients.agency_id', scope)).orderBy('agencies.code').execute();
      const deliveries = await deliveryStates(db, rows.map((r) => sentKey(id, r.agency_id, r.version)));
      return rows.map((r): Recipient => {
        const d = deliveries.get(sentKey(id, r.agency_id, r.version));
        const ack = r.ack_at === null ? null : { version: r.ack_version!, at: r.ack_at, name: r.ack_name!, position: r.ack_position!, phone: r.ack_phone };
        return {
          circularId: id, agencyId: r.agency_id, agencyCode: r.code, agencyName: r.name, version: r.version, sentAt: r.sent_at,
          deliveredAt: r.delivered_at ?? d?.sent ?? null, bouncedAt: r.bounced_at ?? (d?.sent == null ? (d?.dead ?? null) : null), bounceReason: r.bounce_reason ?? (d?.sent == null ? (d?.error ?? null) : null),
          seenAt: r.seen_at, ack, acknowledged: ack !== null && ack.version === r.version,
        };
      });
    });
  }

  async recipient(id: string, agencyId: string, scope: AgencyScope): Promise<Recipient> {
    assertInScope(scope, agencyId, 'circular', id);
    const r = (await this.recipients(id, scope)).find((x) => x.agencyId === agencyId);
    if (r === undefined) throw notFound('circular', id);
    return r;
  }

  /** The first open of the agency's copy; later opens change nothing. Returns true on the first. */
  async markSeen(id: string, agencyId: string): Promise<boolean> {
    return tx(this.#ctx, 'recording that a circular was seen', async (ctx) => {
      const r = await ctx.db.updateTable('circular_recipients').set({ seen_at: nowIso(ctx) }).where('circular_id', '=', id).where('agency_id', '=', agencyId).where('seen_at', 'is', null).executeTakeFirst();
      return Number(r.numUpdatedRows) > 0;
    });
  }

  /** Acknowledge the version the agency was sent, by a named person; the history keeps every acknowledgement. */
  async acknowledge(id: string, agencyId: string, a: { name: string; position: string; phone: string | null; via: 'user' | 'link'; actor: string }): Promise<Recipient> {
    await tx(this.#ctx, 'acknowledging a circular', async (ctx) => {
      const c = await ctx.db.selectFrom('circulars').select(['status']).where('id', '=', id).executeTakeFirst();
      if (c === undefined) throw notFound('circular', id);
      if (c.status === 'closed') throw circularError('status', 'the circular is closed', 'surat edaran sudah ditutup', { reason: 'closed' });
      const r = await ctx.db.selectFrom('circular_recipients').select(['version', 'seen_at']).where('circular_id', '=', id).where('agency_id', '=', agencyId).executeTakeFirst();
      if (r === undefined) throw notFound('circular', id);
      const now = nowIso(ctx);
      await ctx.db.insertInto('circular_acks').values({ circular_id: id, agency_id: agencyId, version: r.version, name: a.name, position: a.position, phone: a.phone, via: a.via, actor: a.actor, at: now }).execute();
      await ctx.db.updateTable('circular_recipients').set({ ack_version: r.version, ack_at: now, ack_name: a.name, ack_position: a.position, ack_phone: a.phone, seen_at: r.seen_at ?? now })
        .where('circular_id', '=', id).where('agency_id', '=', agencyId).execute();
    });
    return this.recipient(id, agencyId, 'all');
  }

  async acknowledgements(id: string, agencyId: string, scope: AgencyScope): Promise<(Acknowledgement & { via: string; actor: string })[]> {
    assertInScope(scope, agencyId, 'circular', id);
    const rows = await run(this.#ctx, 'reading acknowledgements', (db) => db.selectFrom('circular_acks').selectAll().where('circular_id', '=', id).where('agency_id', '=', agencyId).orderBy('id').execute());
    return rows.map((r) => ({ version: r.version, at: r.at, name: r.name, position: r.position, phone: r.phone, via: r.via, actor: r.actor }));
  }

  /** Each agency's first acknowledgement (any version), for the time to acknowledge of a report card. */
  async firstAcknowledgements(id: string, scope: AgencyScope): Promise<Map<string, string>> {
    const rows = await run(this.#ctx, 'reading acknowledgements', (db) => db.selectFrom('circular_acks').select(['agency_id', sql<string>`min(at)`.as('at')])
      .where('circular_id', '=', id).where(scopeFilter('agency_id', scope)).groupBy('agency_id').execute());
    return new Map(rows.map((r) => [r.agency_id, r.at]));
  }

  // ---- per-agency links ---------------------------------------------------------------------------------

  #toLink(r: { id: string; circular_id: string; agency_id: string; expires_at: string; created_by: string; created_at: string; revoked_at: string | null; revoked_by: string | null; last_used_at: string | null }): CircularLink {
    return { id: r.id, circularId: r.circular_id, agencyId: r.agency_id, expiresAt: r.expires_at, createdBy: r.created_by, createdAt: r.created_at, revokedAt: r.revoked_at, revokedBy: r.revoked_by, lastUsedAt: r.last_used_at };
  }

  /** Store a link by its token's hash (the token itself is never stored). The agency must be a recipient. */
  async createLink(id: string, agencyId: string, tokenHash: string, expiresAt: string, by: string): Promise<CircularLink> {
    return tx(this.#ctx, 'creating a circular link', async (ctx) => {
      const r = await ctx.db.selectFrom('circular_recipients').select('agency_id').where('circular_id', '=', id).where('agency_id', '=', agencyId).executeTakeFirst();
      if (r === undefined) throw circularError('agencyId', 'the circular was not sent to this agency', 'surat edaran ini tidak dikirim kepada instansi tersebut');
      const row = { id: randomUUID(), circular_id: id, agency_id: agencyId, token_hash: tokenHash, expires_at: ctx.d.time(expiresAt), created_by: by, created_at: nowIso(ctx), revoked_at: null, revoked_by: null, last_used_at: null };
      await ctx.db.insertInto('circular_links').values(row).execute();
      return this.#toLink(row);
    });
  }

  async linkByHash(tokenHash: string): Promise<CircularLink | undefined> {
    const r = await run(this.#ctx, 'reading a circular link', (db) => db.selectFrom('circular_links').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst());
    return r === undefined ? undefined : this.#toLink(r);
  }

  async touchLink(linkId: string): Promise<void> {
    await tx(this.#ctx, 'recording a link use', async (ctx) => {
      await ctx.db.updateTable('circular_links').set({ last_used_at: nowIso(ctx) }).where('id', '=', linkId).execute();
    });
  }

  async links(id: string, agencyId: string | null, scope: AgencyScope): Promise<CircularLink[]> {
    const rows = await run(this.#ctx, 'listing circular links', (db) => {
      let q = db.selectFrom('circular_links').selectAll().where('circular_id', '=', id).where(scopeFilter('agency_id', scope));
      if (agencyId !== null) q = q.where('agency_id', '=', agencyId);
      return q.orderBy('created_at').execute();
    });
    return rows.map((r) => this.#toLink(r));
  }

  async revokeLink(id: string, linkId: string, by: string): Promise<CircularLink> {
    return tx(this.#ctx, 'revoking a circular link', async (ctx) => {
      const r = await ctx.db.selectFrom('circular_links').selectAll().where('id', '=', linkId).where('circular_id', '=', id).executeTakeFirst();
      if (r === undefined) throw notFound('link', linkId);
      if (r.revoked_at !== null) return this.#toLink(r);
      const now = nowIso(ctx);
      await ctx.db.updateTable('circular_links').set({ revoked_at: now, revoked_by: by }).where('id', '=', linkId).execute();
      return this.#toLink({ ...r, revoked_at: now, revoked_by: by });
    });
  }

  // ---- answers ------------------------------------------------------------------------------------------

  #toAnswer(ctx: Ctx, r: Selectable<CircularAnswerTable>): StoredAnswer {
    return {
      circularId: r.circular_id, agencyId: r.agency_id, itemCode: r.item_code, status: r.status as AnswerStatus, reason: r.reason, targetDate: r.target_date,
      machinesDone: r.machines_done, machinesTotal: r.machines_total, note: r.note, os: r.os, kbs: ctx.d.fromJson<string[]>(r.kbs) ?? [], kbHint: ctx.d.fromJson<KbCheck>(r.kb_hint),
      answeredBy: r.answered_by, answeredVia: r.answered_via as 'user' | 'link', answeredAt: r.answered_at, attestedAt: r.attested_at,
      review: { state: r.review as ReviewState, by: r.review_by, at: r.review_at, comment: r.review_comment },
      verification: { state: r.verification as VerificationState, why: r.verification_why as UnverifiableWhy | null, hosts: ctx.d.fromJson<VerificationHost[]>(r.verification_hosts) ?? [], jobId: r.verification_job_id, at: r.verification_at },
      revision: r.revision,
    };
  }

  async answers(id: string, scope: AgencyScope, agencyId?: string): Promise<StoredAnswer[]> {
    const rows = await run(this.#ctx, 'reading circular answers', (db) => {
      let q = db.selectFrom('circular_answers').selectAll().where('circular_id', '=', id).where(scopeFilter('agency_id', scope));
      if (agencyId !== undefined) q = q.where('agency_id', '=', agencyId);
      return q.orderBy('agency_id').orderBy('item_code').execute();
    });
    return rows.map((r) => this.#toAnswer(this.#ctx, r));
  }

  /**
   * Record an agency's answer (validated by the domain against the item and the circular's status). A new
   * attestation — done / not-applicable given now, or again after the office returned it — starts the
   * verification over: only a scan finishing after it counts. The office's review starts over too.
   */
  async answer(id: string, agencyId: string, itemCode: string, v: ValidAnswer, who: { actor: string; via: 'user' | 'link' }): Promise<StoredAnswer> {
    await tx(this.#ctx, 'recording a circular answer', async (ctx) => {
      const c = await ctx.db.selectFrom('circulars').select(['status', 'content']).where('id', '=', id).executeTakeFirst();
      if (c === undefined) throw notFound('circular', id);
      if (c.status === 'closed') throw circularError('status', 'the circular is closed; answers are no longer accepted', 'surat edaran sudah ditutup; jawaban tidak lagi diterima', { reason: 'closed' });
      const content = ctx.d.fromJson<CircularContent>(c.content)!;
      if (!content.items.some((i) => i.code === itemCode)) throw notFound('checklist item', itemCode);
      const rec = await ctx.db.selectFrom('circular_recipients').select('agency_id').where('circular_id', '=', id).where('agency_id', '=', agencyId).executeTakeFirst();
      if (rec === undefined) throw notFound('circular', id);
      const prev = await ctx.db.selectFrom('circular_answers').selectAll().where('circular_id', '=', id).where('agency_id', '=', agencyId).where('item_code', '=', itemCode).executeTakeFirst();
      const now = nowIso(ctx);
      const attested = isAttested(v.status);
      const reattested = attested && (prev === undefined || prev.status !== v.status || prev.attested_at === null || prev.review === 'returned');
      const attestedAt = !attested ? null : reattested ? now : prev!.attested_at;
      const row = {
        status: v.status, reason: v.reason, target_date: v.targetDate, machines_done: v.machinesDone, machines_total: v.machinesTotal, note: v.note, os: v.os,
        kbs: v.kbs.length === 0 ? null : ctx.d.json(v.kbs), kb_hint: v.kbHint === null ? null : ctx.d.json(v.kbHint), answered_by: who.actor, answered_via: who.via, answered_at: now,
        attested_at: attestedAt, review: 'none', review_by: null, review_at: null, review_comment: null, revision: (prev?.revision ?? 0) + 1,
      };
      if (prev === undefined) {
        await ctx.db.insertInto('circular_answers').values({
          circular_id: id, agency_id: agencyId, item_code: itemCode, ...row, verification: 'pending', verification_why: null, verification_hosts: null, verification_ips: null, verification_host_count: 0, verification_job_id: null, verification_at: null,
        }).execute();
      } else {
        await ctx.db.updateTable('circular_answers').set(row).where('circular_id', '=', id).where('agency_id', '=', agencyId).where('item_code', '=', itemCode).execute();
      }
      await ctx.db.insertInto('circular_answer_events').values({
        circular_id: id, agency_id: agencyId, item_code: itemCode, kind: 'answer', at: now, actor: who.actor,
        data: ctx.d.json({ via: who.via, status: v.status, reason: v.reason, targetDate: v.targetDate, machinesDone: v.machinesDone, machinesTotal: v.machinesTotal, note: v.note, os: v.os, kbs: v.kbs, attestedAt, revision: row.revision }),
      }).execute();
      await verifyIn(ctx, id, agencyId, content, 'answer');
    });
    return (await this.answers(id, 'all', agencyId)).find((a) => a.itemCode === itemCode)!;
  }

  /** The office approves an answer or returns it with a comment (a returned attestation is not complete). */
  async review(id: string, agencyId: string, itemCode: string, r: { state: 'approved' | 'returned'; comment: string | null }, by: string): Promise<StoredAnswer> {
    await tx(this.#ctx, 'reviewing a circular answer', async (ctx) => {
      const c = await ctx.db.selectFrom('circulars').select(['status']).where('id', '=', id).executeTakeFirst();
      if (c === undefined) throw notFound('circular', id);
      const prev = await ctx.db.selectFrom('circular_answers').select(['revision']).where('circular_id', '=', id).where('agency_id', '=', agencyId).where('item_code', '=', itemCode).executeTakeFirst();
      if (prev === undefined) throw circularError('itemCode', 'the agency has not answered this item yet', 'instansi belum menjawab butir ini');
      const now = nowIso(ctx);
      await ctx.db.updateTable('circular_answers').set({ review: r.state, review_by: by, review_at: now, review_comment: r.comment })
        .where('circular_id', '=', id).where('agency_id', '=', agencyId).where('item_code', '=', itemCode).execute();
      await ctx.db.insertInto('circular_answer_events').values({ circular_id: id, agency_id: agencyId, item_code: itemCode, kind: 'review', at: now, actor: by, data: ctx.d.json({ state: r.state, comment: r.comment, revision: prev.revision }) }).execute();
    });
    return (await this.answers(id, 'all', agencyId)).find((a) => a.itemCode === itemCode)!;
  }

  async answerHistory(id: string, agencyId: string, itemCode: string, scope: AgencyScope): Promise<AnswerEvent[]> {
    assertInScope(scope, agencyId, 'circular', id);
    const rows = await run(this.#ctx, 'reading answer history', (db) => db.selectFrom('circular_answer_events').selectAll()
      .where('circular_id', '=', id).where('agency_id', '=', agencyId).where('item_code', '=', itemCode).orderBy('id').execute());
    return rows.map((r) => ({ id: r.id, kind: r.kind as AnswerEvent['kind'], at: r.at, actor: r.actor, data: this.#ctx.d.fromJson<Record<string, unknown>>(r.data) ?? {} }));
  }

  // ---- verification ------------------------------------------------------------------------------------

  /** Record what a finished job said per (network, rule); the latest finish wins. */
  async recordNetworkChecks(rows: readonly (NetworkRuleCheck & { agencyId: string })[]): Promise<void> {
    if (rows.length === 0) return;
    await tx(this.#ctx, 'recording scan checks per network', async (ctx) => {
      for (const r of rows) {
        const prev = await ctx.db.selectFrom('network_rule_checks').select('finished_at').where('network_id', '=', r.networkId).where('rule_id', '=', r.ruleId).executeTakeFirst();
        const values = { agency_id: r.agencyId, job_id: r.jobId, finished_at: ctx.d.time(r.finishedAt), unknown_ips: ctx.d.json(r.unknownIps) };
        if (prev === undefined) await ctx.db.insertInto('network_rule_checks').values({ network_id: r.networkId, rule_id: r.ruleId, ...values }).execute();
        else if (prev.finished_at <= values.finished_at) await ctx.db.updateTable('network_rule_checks').set(values).where('network_id', '=', r.networkId).where('rule_id', '=', r.ruleId).execute();
      }
    });
  }

  async networkChecks(agencyId: string): Promise<NetworkRuleCheck[]> {
    return run(this.#ctx, 'reading scan checks per network', async (db) => {
      const rows = await db.selectFrom('network_rule_checks').selectAll().where('agency_id', '=', agencyId).execute();
      return rows.map((r) => ({ networkId: r.network_id, ruleId: r.rule_id, jobId: r.job_id, finishedAt: r.finished_at, unknownIps: this.#ctx.d.fromJson<string[]>(r.unknown_ips) ?? [] }));
    });
  }

  /** The agency's open findings of these rules with their hosts (verification and the gate). */
  async openFindings(agencyId: string, rules: readonly string[]): Promise<OpenFindingRef[]> {
    return run(this.#ctx, 'reading open findings', (db) => openFindingsIn({ ...this.#ctx, db }, agencyId, rules));
  }

  /** The hosts a job's checks could only answer `unknown` about (the finalize hook's input). */
  async unknownVerdicts(jobId: string): Promise<{ ip: string; check: string }[]> {
    const rows = await run(this.#ctx, 'reading unknown verdicts', (db) => db.selectFrom('observations').select(['ip', 'key'])
      .where('job_id', '=', jobId).where('kind', '=', 'check').where('state', '=', 'unknown').execute());
    return rows.map((r) => ({ ip: r.ip, check: r.key }));
  }

  /** Recompute the verification of every answer of one agency to one circular; returns what changed. */
  async verifyAgency(id: string, agencyId: string, actor = 'perisai'): Promise<VerificationChange[]> {
    return tx(this.#ctx, 'verifying circular answers', async (ctx) => {
      const c = await ctx.db.selectFrom('circulars').select(['content']).where('id', '=', id).executeTakeFirst();
      if (c === undefined) throw notFound('circular', id);
      return verifyIn(ctx, id, agencyId, ctx.d.fromJson<CircularContent>(c.content)!, actor);
    });
  }

  /** Sent circulars that have one of these agencies as a recipient (the finalize hook's work list). */
  async activeFor(agencyIds: readonly string[]): Promise<{ circularId: string; agencyId: string }[]> {
    if (agencyIds.length === 0) return [];
    return run(this.#ctx, 'finding circulars to verify', async (db) => {
      const out: { circularId: string; agencyId: string }[] = [];
      for (const part of chunks([...agencyIds], 500)) {
        const rows = await db.selectFrom('circular_recipients').innerJoin('circulars', 'circulars.id', 'circular_recipients.circular_id')
          .select(['circular_recipients.circular_id', 'circular_recipients.agency_id']).where('circulars.status', '=', 'sent').where('circular_recipients.agency_id', 'in', part).execute();
        for (const r of rows) out.push({ circularId: r.circular_id, agencyId: r.agency_id });
      }
      return out;
    });
  }

  // ---- evidence ------------------------------------------------------------------------------------------

  async addEvidence(e: Omit<EvidenceMeta, 'id' | 'createdAt'>): Promise<EvidenceMeta> {
    return tx(this.#ctx, 'recording evidence', async (ctx) => {
      const c = await ctx.db.selectFrom('circulars').select(['status', 'content']).where('id', '=', e.circularId).executeTakeFirst();
      if (c === undefined) throw notFound('circular', e.circularId);
      if (c.status === 'closed') throw circularError('status', 'the circular is closed; answers are no longer accepted', 'surat edaran sudah ditutup; jawaban tidak lagi diterima', { reason: 'closed' });
      if (!ctx.d.fromJson<CircularContent>(c.content)!.items.some((i) => i.code === e.itemCode)) throw notFound('checklist item', e.itemCode);
      const row = {
        id: randomUUID(), circular_id: e.circularId, agency_id: e.agencyId, item_code: e.itemCode, sha256: e.sha256, content_type: e.contentType, size: e.size,
        original_name: e.originalName, path: e.path, uploaded_by: e.uploadedBy, created_at: nowIso(ctx),
      };
      await ctx.db.insertInto('circular_evidence').values(row).execute();
      return { ...e, id: row.id, createdAt: row.created_at };
    });
  }

  async evidence(id: string, scope: AgencyScope, agencyId?: string): Promise<EvidenceMeta[]> {
    const rows = await run(this.#ctx, 'listing evidence', (db) => {
      let q = db.selectFrom('circular_evidence').selectAll().where('circular_id', '=', id).where(scopeFilter('agency_id', scope));
      if (agencyId !== undefined) q = q.where('agency_id', '=', agencyId);
      return q.orderBy('created_at').execute();
    });
    return rows.map((r) => ({ id: r.id, circularId: r.circular_id, agencyId: r.agency_id, itemCode: r.item_code, sha256: r.sha256, contentType: r.content_type, size: r.size, originalName: r.original_name, path: r.path, uploadedBy: r.uploaded_by, createdAt: r.created_at }));
  }

  async evidenceFile(id: string, evidenceId: string, scope: AgencyScope): Promise<EvidenceMeta> {
    const e = (await this.evidence(id, scope)).find((x) => x.id === evidenceId);
    if (e === undefined) throw notFound('evidence', evidenceId);
    return e;
  }

  // ---- reminders ------------------------------------------------------------------------------------------

  async remindersSent(id: string): Promise<Map<string, Set<string>>> {
    const rows = await run(this.#ctx, 'reading reminders sent', (db) => db.selectFrom('circular_reminders').select(['agency_id', 'kind']).where('circular_id', '=', id).execute());
    const out = new Map<string, Set<string>>();
    for (const r of rows) out.set(r.agency_id, (out.get(r.agency_id) ?? new Set()).add(r.kind));
    return out;
  }

  /** Record a reminder and enqueue its message once (false when this kind was already sent to the agency). */
  async recordReminder(id: string, agencyId: string, kind: string, message: OutboxInput): Promise<boolean> {
    return tx(this.#ctx, 'recording a reminder', async (ctx) => {
      const has = await ctx.db.selectFrom('circular_reminders').select('kind').where('circular_id', '=', id).where('agency_id', '=', agencyId).where('kind', '=', kind).executeTakeFirst();
      if (has !== undefined) return false;
      const now = nowIso(ctx);
      await ctx.db.insertInto('circular_reminders').values({ circular_id: id, agency_id: agencyId, kind, sent_at: now }).execute();
      await enqueueOutbox(ctx, [outboxRow(ctx, message, now)]);
      return true;
    });
  }

  // ---- campaign, gates, situation reports ----------------------------------------------------------

  async startCampaign(id: string, c: { profile: string; rules: readonly string[]; by: string; windowOverride: boolean; overrideReason: string | null }): Promise<Campaign> {
    await tx(this.#ctx, 'starting an emergency campaign', async (ctx) => {
      const circ = await ctx.db.selectFrom('circulars').select(['status']).where('id', '=', id).executeTakeFirst();
      if (circ === undefined) throw notFound('circular', id);
      if (circ.status !== 'sent') throw circularError('status', 'only a sent, open circular can start a campaign', 'kampanye hanya dapat dimulai dari surat edaran yang sudah dikirim dan belum ditutup', { reason: circ.status });
      if ((await ctx.db.selectFrom('circular_campaigns').select('id').where('circular_id', '=', id).executeTakeFirst()) !== undefined) {
        throw new PerisaiError('E_CONFLICT', 'this circular already has a campaign', { field: 'circularId', messageId: 'surat edaran ini sudah memiliki kampanye' });
      }
      const now = nowIso(ctx);
      const campaignId = randomUUID();
      await ctx.db.insertInto('circular_campaigns').values({
        id: campaignId, circular_id: id, profile: c.profile, rules: ctx.d.json(c.rules), started_by: c.by, started_at: now, window_override: ctx.d.bool(c.windowOverride), override_reason: c.overrideReason,
      }).execute();
      const agencies = await ctx.db.selectFrom('circular_recipients').select('agency_id').where('circular_id', '=', id).execute();
      for (const part of chunks(agencies, 200)) {
        if (part.length === 0) continue;
        await ctx.db.insertInto('circular_gates').values(part.map((a) => ({ campaign_id: campaignId, agency_id: a.agency_id, state: 'disconnected', disconnected_at: now, cleared_at: null, decided_by: null, decided_at: null, reason: null, override: ctx.d.bool(false) }))).execute();
      }
    });
    return (await this.campaign(id))!;
  }

  async campaign(id: string): Promise<Campaign | undefined> {
    return run(this.#ctx, 'reading a campaign', async (db) => {
      const c = await db.selectFrom('circular_campaigns').selectAll().where('circular_id', '=', id).executeTakeFirst();
      if (c === undefined) return undefined;
      const jobs = await db.selectFrom('circular_campaign_jobs').selectAll().where('campaign_id', '=', c.id).orderBy('at').execute();
      return {
        id: c.id, circularId: c.circular_id, profile: c.profile, rules: this.#ctx.d.fromJson<string[]>(c.rules) ?? [], startedBy: c.started_by, startedAt: c.started_at,
        windowOverride: this.#ctx.d.fromBool(c.window_override), overrideReason: c.override_reason,
        jobs: jobs.map((j) => ({ agencyId: j.agency_id, networkId: j.network_id, jobId: j.job_id, kind: j.kind, reason: j.reason, at: j.at })),
      };
    });
  }

  async addCampaignJobs(campaignId: string, rows: readonly { agencyId: string; networkId: string; jobId: string | null; kind: 'queued' | 'deferred' | 'rescan'; reason: string | null }[]): Promise<void> {
    if (rows.length === 0) return;
    await tx(this.#ctx, 'recording campaign scans', async (ctx) => {
      const now = nowIso(ctx);
      await ctx.db.insertInto('circular_campaign_jobs').values(rows.map((r) => ({ campaign_id: campaignId, agency_id: r.agencyId, network_id: r.networkId, job_id: r.jobId, kind: r.kind, reason: r.reason, at: now }))).execute();
    });
  }

  async gates(campaignId: string, scope: AgencyScope): Promise<Gate[]> {
    const rows = await run(this.#ctx, 'reading reconnect gates', (db) => db.selectFrom('circular_gates').selectAll().where('campaign_id', '=', campaignId).where(scopeFilter('agency_id', scope)).execute());
    return rows.map((r) => ({
      campaignId: r.campaign_id, agencyId: r.agency_id, state: r.state as GateState, disconnectedAt: r.disconnected_at, clearedAt: r.cleared_at,
      decidedBy: r.decided_by, decidedAt: r.decided_at, reason: r.reason, override: this.#ctx.d.fromBool(r.override),
    }));
  }

  /** Record a gate decision (who, when, why, whether it overrode blockers); every decision stays in the history. */
  async decideGate(campaignId: string, agencyId: string, d: { state: GateState; reason: string | null; override: boolean; blockers: readonly GateBlocker[] }, by: string): Promise<Gate> {
    await tx(this.#ctx, 'deciding a reconnect gate', async (ctx) => {
      const g = await ctx.db.selectFrom('circular_gates').select(['state']).where('campaign_id', '=', campaignId).where('agency_id', '=', agencyId).executeTakeFirst();
      if (g === undefined) throw notFound('gate', agencyId);
      const now = nowIso(ctx);
      await ctx.db.updateTable('circular_gates').set({
        state: d.state, decided_by: by, decided_at: now, reason: d.reason, override: ctx.d.bool(d.override),
        ...(d.state === 'cleared' ? { cleared_at: now } : g.state === 'cleared' ? { disconnected_at: now, cleared_at: null } : {}),
      }).where('campaign_id', '=', campaignId).where('agency_id', '=', agencyId).execute();
      await ctx.db.insertInto('circular_gate_events').values({ campaign_id: campaignId, agency_id: agencyId, state: d.state, by, at: now, reason: d.reason, override: ctx.d.bool(d.override), blockers: ctx.d.json(d.blockers) }).execute();
    });
    return (await this.gates(campaignId, 'all')).find((g) => g.agencyId === agencyId)!;
  }

  async gateEvents(campaignId: string, agencyId: string): Promise<GateEvent[]> {
    const rows = await run(this.#ctx, 'reading gate decisions', (db) => db.selectFrom('circular_gate_events').selectAll().where('campaign_id', '=', campaignId).where('agency_id', '=', agencyId).orderBy('id').execute());
    return rows.map((r) => ({ id: r.id, state: r.state as GateState, by: r.by, at: r.at, reason: r.reason, override: this.#ctx.d.fromBool(r.override), blockers: this.#ctx.d.fromJson<GateBlocker[]>(r.blockers) ?? [] }));
  }

  /** Freeze a snapshot of the board as the next situation report. */
  async createSitrep(campaignId: string, snapshot: unknown, by: string): Promise<Sitrep> {
    return tx(this.#ctx, 'writing a situation report', async (ctx) => {
      await ctx.d.lock(ctx.db, `sitrep:${campaignId}`);
      const last = await ctx.db.selectFrom('circular_sitreps').select('version').where('campaign_id', '=', campaignId).orderBy('version', 'desc').limit(1).executeTakeFirst();
      const row = { id: randomUUID(), campaign_id: campaignId, version: (last?.version ?? 0) + 1, snapshot: ctx.d.json(snapshot), created_by: by, created_at: nowIso(ctx) };
      await ctx.db.insertInto('circular_sitreps').values(row).execute();
      return { id: row.id, campaignId, version: row.version, snapshot, createdBy: by, createdAt: row.created_at };
    });
  }

  async sitreps(campaignId: string): Promise<Sitrep[]> {
    const rows = await run(this.#ctx, 'listing situation reports', (db) => db.selectFrom('circular_sitreps').selectAll().where('campaign_id', '=', campaignId).orderBy('version').execute());
    return rows.map((r) => ({ id: r.id, campaignId: r.campaign_id, version: r.version, snapshot: this.#ctx.d.fromJson(r.snapshot), createdBy: r.created_by, createdAt: r.created_at }));
  }

  async sitrep(campaignId: string, sitrepId: string): Promise<Sitrep> {
    const r = await run(this.#ctx, 'reading a situation report', (db) => db.selectFrom('circular_sitreps').selectAll().where('campaign_id', '=', campaignId).where('id', '=', sitrepId).executeTakeFirst());
    if (r === undefined) throw notFound('situation report', sitrepId);
    return { id: r.id, campaignId: r.campaign_id, version: r.version, snapshot: this.#ctx.d.fromJson(r.snapshot), createdBy: r.created_by, createdAt: r.created_at };
  }

  /**
   * Record that a situation report was sent — to whom (the head of office named in the settings, or
   * nobody named: the channels' own recipients), by whom and when — and enqueue its message, in one
   * transaction.
   */
  async sendSitrep(sitrepId: string, to: { name: string; position: string; email: string | null } | null, by: string, message: OutboxInput): Promise<SitrepSend> {
    return tx(this.#ctx, 'sending a situation report', async (ctx) => {
      const now = nowIso(ctx);
      await enqueueOutbox(ctx, [outboxRow(ctx, message, now)]);
      const row = await ctx.db.insertInto('circular_sitrep_sends').values({ sitrep_id: sitrepId, to_name: to?.name ?? null, to_position: to?.position ?? null, to_email: to?.email ?? null, dedup_key: message.dedupKey, sent_by: by, sent_at: now })
        .returning('id').executeTakeFirstOrThrow();
      return { id: Number(row.id), sitrepId, to, sentBy: by, sentAt: now, deliveredAt: null, bouncedAt: null, error: null };
    });
  }

  /** Every sending of these situation reports, oldest first, with whether the message arrived. */
  async sitrepSends(sitrepIds: readonly string[]): Promise<SitrepSend[]> {
    if (sitrepIds.length === 0) return [];
    return run(this.#ctx, 'reading situation report sendings', async (db) => {
      const rows = await db.selectFrom('circular_sitrep_sends').selectAll().where('sitrep_id', 'in', [...sitrepIds]).orderBy('id').execute();
      const d = await deliveryStates(db, rows.map((r) => r.dedup_key));
      return rows.map((r) => {
        const x = d.get(r.dedup_key);
        return {
          id: Number(r.id), sitrepId: r.sitrep_id, to: r.to_name === null ? null : { name: r.to_name, position: r.to_position ?? '', email: r.to_email }, sentBy: r.sent_by, sentAt: r.sent_at,
          deliveredAt: x?.sent ?? null, bouncedAt: x?.sent == null ? (x?.dead ?? null) : null, error: x?.sent == null ? (x?.error ?? null) : null,
        };
      });
    });
  }

  // ---- re-scans ----------------------------------------------------------------------------------------

  /** Record a re-scan: started (with its jobs) or deferred until `notBefore` (the next scan window). */
  async addRescan(r: { circularId: string; agencyId: string; campaignId: string | null; itemCode: string | null; by: string; jobIds: readonly string[]; notBefore: string | null }): Promise<Rescan> {
    return tx(this.#ctx, 'recording a re-scan', async (ctx) => {
      const now = nowIso(ctx);
      const started = r.jobIds.length > 0;
      const row = {
        id: randomUUID(), circular_id: r.circularId, agency_id: r.agencyId, campaign_id: r.campaignId, item_code: r.itemCode, requested_by: r.by, requested_at: now,
        state: started ? 'started' : 'deferred', not_before: r.notBefore === null ? null : ctx.d.time(r.notBefore), job_ids: ctx.d.json(r.jobIds), started_at: started ? now : null,
      };
      await ctx.db.insertInto('circular_rescans').values(row).execute();
      return toRescan(ctx, row);
    });
  }

  /** Deferred re-scans whose window may be open now (not_before passed or unknown). */
  async dueRescans(now: string): Promise<Rescan[]> {
    const rows = await run(this.#ctx, 'reading deferred re-scans', (db) => db.selectFrom('circular_rescans').selectAll().where('state', '=', 'deferred')
      .where((eb) => eb.or([eb('not_before', 'is', null), eb('not_before', '<=', now)])).orderBy('requested_at').limit(500).execute());
    return rows.map((r) => toRescan(this.#ctx, r));
  }

  /** A deferred re-scan has an agency re-scan pending already (one per agency is enough). */
  async pendingRescan(agencyId: string): Promise<Rescan | undefined> {
    const r = await run(this.#ctx, 'reading deferred re-scans', (db) => db.selectFrom('circular_rescans').selectAll().where('state', '=', 'deferred').where('agency_id', '=', agencyId).orderBy('requested_at').executeTakeFirst());
    return r === undefined ? undefined : toRescan(this.#ctx, r);
  }

  async markRescanStarted(id: string, jobIds: readonly string[], notBefore: string | null): Promise<void> {
    await tx(this.#ctx, 'starting a deferred re-scan', async (ctx) => {
      if (jobIds.length === 0) {
        await ctx.db.updateTable('circular_rescans').set({ not_before: notBefore === null ? null : ctx.d.time(notBefore) }).where('id', '=', id).execute();
        return;
      }
      await ctx.db.updateTable('circular_rescans').set({ state: 'started', job_ids: ctx.d.json(jobIds), started_at: nowIso(ctx) }).where('id', '=', id).execute();
    });
  }

  async rescans(id: string, scope: AgencyScope): Promise<Rescan[]> {
    const rows = await run(this.#ctx, 'listing re-scans', (db) => db.selectFrom('circular_rescans').selectAll().where('circular_id', '=', id).where(scopeFilter('agency_id', scope)).orderBy('requested_at').execute());
    return rows.map((r) => toRescan(this.#ctx, r));
  }

  // ---- the board ------------------------------------------------------------------------------------------

  /**
   * One row per audience agency in scope: acknowledgement, every item's status and stored verification (with
   * the hosts), completeness, the gate, and open critical/high findings from the finding tallies. Four
   * indexed reads whatever the number of findings.
   */
  async board(id: string, scope: AgencyScope): Promise<{ circular: CircularSummary; campaignId: string | null; rows: BoardRow[] }> {
    return run(this.#ctx, 'reading the circular board', async (db) => {
      // Every read at once (one round trip on PostgreSQL's pool): nothing here depends on another's result.
      const [c, recipients, answers, campaign, gates, tallies] = await Promise.all([
        db.selectFrom('circulars').selectAll().where('id', '=', id).executeTakeFirst(),
        db.selectFrom('circular_recipients').innerJoin('agencies', 'agencies.id', 'circular_recipients.agency_id').selectAll('circular_recipients').select(['agencies.code', 'agencies.name'])
          .where('circular_id', '=', id).where(scopeFilter('circular_recipients.agency_id', scope)).orderBy('agencies.code').execute(),
        db.selectFrom('circular_answers').select(['agency_id', 'item_code', 'status', 'review', 'verification', 'verification_why', 'verification_ips', 'verification_host_count'])
          .where('circular_id', '=', id).where(scopeFilter('agency_id', scope)).execute(),
        db.selectFrom('circular_campaigns').select('id').where('circular_id', '=', id).executeTakeFirst(),
        db.selectFrom('circular_gates').innerJoin('circular_campaigns', 'circular_campaigns.id', 'circular_gates.campaign_id').select(['circular_gates.agency_id', 'circular_gates.state'])
          .where('circular_campaigns.circular_id', '=', id).where(scopeFilter('circular_gates.agency_id', scope)).execute(),
        db.selectFrom('finding_tallies').select(['agency_id', 'severity_rank', sql<number>`sum(n)`.as('n')])
          .where('status', '=', 'open').where('severity_rank', '>=', 3).where(scopeFilter('agency_id', scope))
          .where('agency_id', 'in', db.selectFrom('circular_recipients').select('agency_id').where('circular_id', '=', id)).groupBy(['agency_id', 'severity_rank']).execute(),
      ]);
      if (c === undefined) throw notFound('circular', id);
      const content = this.#ctx.d.fromJson<CircularContent>(c.content)!;
      if (scope !== 'all' && recipients.length === 0) throw notFound('circular', id);
      const byAgency = new Map<string, Map<string, (typeof answers)[number]>>();
      for (const a of answers) byAgency.set(a.agency_id, (byAgency.get(a.agency_id) ?? new Map()).set(a.item_code, a));
      const gateOf = new Map(gates.map((g) => [g.agency_id, g.state as GateState]));
      const rows = recipients.map((r): BoardRow => {
        const mine = byAgency.get(r.agency_id);
        const items = content.items.map((it): BoardItem => {
          const a = mine?.get(it.code);
          const status = (a?.status ?? 'todo') as AnswerStatus;
          const verification = (a?.verification ?? 'pending') as VerificationState;
          const hosts = a?.verification_ips == null || a.verification_ips === '' ? [] : a.verification_ips.split(',');
          const review = (a?.review ?? 'none') as ReviewState;
          return {
            code: it.code, status, verification, why: (a?.verification_why ?? null) as UnverifiableWhy | null, hosts, hostCount: a?.verification_host_count ?? 0, review,
            complete: isComplete(it, a === undefined ? null : { status, review }, verification), checkable: it.verification.mode === 'scan', required: it.required,
          };
        });
        const tally = (rank: number) => Number(tallies.find((t) => t.agency_id === r.agency_id && t.severity_rank === rank)?.n ?? 0);
        const ack = r.ack_at === null ? null : { version: r.ack_version!, at: r.ack_at, name: r.ack_name!, position: r.ack_position!, phone: r.ack_phone };
        return {
          agencyId: r.agency_id, agencyCode: r.code, agencyName: r.name, sentAt: r.sent_at, seenAt: r.seen_at, acknowledged: ack !== null && ack.version === r.version, ack,
          items, gate: gateOf.get(r.agency_id) ?? null, openCritical: tally(4), openHigh: tally(3),
        };
      });
      return { circular: this.#summary(this.#ctx, c, content), campaignId: campaign?.id ?? null, rows };
    });
  }
}

export interface Rescan {
  readonly id: string;
  readonly circularId: string;
  readonly agencyId: string;
  readonly campaignId: string | null;
  readonly itemCode: string | null;
  readonly requestedBy: string;
  readonly requestedAt: string;
  readonly state: 'deferred' | 'started';
  readonly notBefore: string | null;
  readonly jobIds: readonly string[];
  readonly startedAt: string | null;
}

function toRescan(ctx: Ctx, r: Selectable<CircularRescanTable>): Rescan {
  return {
    id: r.id, circularId: r.circular_id, agencyId: r.agency_id, campaignId: r.campaign_id, itemCode: r.item_code, requestedBy: r.requested_by, requestedAt: r.requested_at,
    state: r.state as Rescan['state'], notBefore: r.not_before, jobIds: ctx.d.fromJson<string[]>(r.job_ids) ?? [], startedAt: r.started_at,
  };
}

/** Hosts per item the board lists (the rest are counted; the answer carries up to 500 with evidence). */
export const BOARD_HOSTS = 25;

/** The outbox dedup key of the `circular.sent` message of one version to one agency. */
export function sentKey(circularId: string, agencyId: string, version: number): string {
  return `circular.sent:${circularId}:${agencyId}:v${version}`;
}

async function openFindingsIn(ctx: Ctx, agencyId: string, rules: readonly string[]): Promise<OpenFindingRef[]> {
  if (rules.length === 0) return [];
  const rows = await ctx.db.selectFrom('findings').innerJoin('assets', 'assets.id', 'findings.asset_id')
    .select(['findings.rule_id', 'assets.ip', 'findings.port', 'findings.last_seen', 'findings.evidence'])
    .where('findings.agency_id', '=', agencyId).where('findings.rule_id', 'in', [...rules]).where('findings.status', '=', 'open')
    .orderBy('assets.ip_key').limit(5000).execute();
  return rows.map((r) => ({ ruleId: r.rule_id, ip: r.ip, port: r.port, lastSeen: r.last_seen, evidence: ctx.d.fromJson(r.evidence) }));
}

async function verifyIn(ctx: Ctx, id: string, agencyId: string, content: CircularContent, actor: string): Promise<VerificationChange[]> {
  const answers = await ctx.db.selectFrom('circular_answers').selectAll().where('circular_id', '=', id).where('agency_id', '=', agencyId).execute();
  if (answers.length === 0) return [];
  const rules = [...new Set(content.items.flatMap((i) => (i.verification.mode === 'scan' ? i.verification.rules : [])))];
  const [networks, checks, openFindings] = await Promise.all([
    ctx.db.selectFrom('networks').select('id').where('agency_id', '=', agencyId).execute(),
    ctx.db.selectFrom('network_rule_checks').selectAll().where('agency_id', '=', agencyId).execute(),
    openFindingsIn(ctx, agencyId, rules),
  ]);
  const c = { networkIds: networks.map((n) => n.id), checks: checks.map((r) => ({ networkId: r.network_id, ruleId: r.rule_id, jobId: r.job_id, finishedAt: r.finished_at, unknownIps: ctx.d.fromJson<string[]>(r.unknown_ips) ?? [] })), openFindings };
  const now = nowIso(ctx);
  const changes: VerificationChange[] = [];
  for (const a of answers) {
    const item = content.items.find((i) => i.code === a.item_code);
    if (item === undefined) continue;
    const v = verifyItem(item, { status: a.status as AnswerStatus, attestedAt: a.attested_at }, c);
    const hosts = v.hosts.length === 0 ? null : ctx.d.json(v.hosts.slice(0, 500));
    const distinct = [...new Set(v.hosts.map((h) => h.ip))];
    const ips = (list: readonly { ip: string }[] | null) => (list ?? []).map((h) => h.ip).join(',');
    const same = a.verification === v.state && a.verification_why === v.why && a.verification_job_id === v.jobId && ips(ctx.d.fromJson<VerificationHost[]>(a.verification_hosts)) === ips(v.hosts.slice(0, 500));
    if (same) continue;
    await ctx.db.updateTable('circular_answers').set({ verification: v.state, verification_why: v.why, verification_hosts: hosts, verification_ips: distinct.slice(0, BOARD_HOSTS).join(',') || null, verification_host_count: distinct.length, verification_job_id: v.jobId, verification_at: now })
      .where('circular_id', '=', id).where('agency_id', '=', agencyId).where('item_code', '=', a.item_code).execute();
    if (a.verification !== v.state) {
      await ctx.db.insertInto('circular_answer_events').values({ circular_id: id, agency_id: agencyId, item_code: a.item_code, kind: 'verification', at: now, actor, data: ctx.d.json({ from: a.verification, to: v.state, why: v.why, jobId: v.jobId, hosts: v.hosts.slice(0, 50).map((h) => h.ip) }) }).execute();
      changes.push({ agencyId, itemCode: a.item_code, from: a.verification as VerificationState, to: { state: v.state, why: v.why, hosts: v.hosts, jobId: v.jobId, at: now } });
    }
  }
  return changes;
}

