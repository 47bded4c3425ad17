// Alert channels, rules and per-channel delivery state (migration 0003_alerts; docs/alerts.md).
//
// The outbox (outbox.ts) says "this change happened"; this repository says "who must hear about it and
// who already did". A delivery row per (outbox message, channel) is taken with a lease before sending and
// marked `sent` right after the channel accepted the message, before the outbox row is marked delivered:
// a dispatcher that dies in between leaves `sent` behind and the next one skips that channel.
//
// These are administrator (Diskominfo) objects: system-wide, not agency data, so no AgencyScope here.
// Configuration is stored as given (validation lives in src/alerts/channels.ts), except its secrets — the
// SMTP password, the webhook's HMAC key and header values, the Telegram bot token (CHANNEL_SECRETS) — which
// are sealed with AES-256-GCM under the key kept outside the database (src/store/secrets.ts) and opened
// when a channel is read. Callers still redact them before showing or logging (channels.ts redactConfig).

import { randomUUID } from 'node:crypto';
import type { Selectable } from 'kysely';
import { notFound, PerisaiError } from '../../domain/errors.js';
import type { Ctx } from '../context.js';
import { SecretBox } from '../secrets.js';
import { nowIso, run, tx } from '../context.js';
import type { AlertChannelTable, AlertDeliveryTable, AlertRuleTable } from '../schema.js';

export type AlertChannelKind = 'email' | 'webhook' | 'telegram';
export type DeliveryStatus = 'sending' | 'sent' | 'failed' | 'dead';

export interface StoredAlertChannel {
  readonly id: string;
  readonly name: string;
  readonly kind: AlertChannelKind;
  readonly config: unknown;
  readonly enabled: boolean;
  readonly createdAt: string;
  readonly updatedAt: string;
}

export interface StoredAlertRule {
  readonly id: string;
  readonly name: string;
  readonly filter: unknown;
  readonly channelIds: readonly string[];
  readonly enabled: boolean;
  readonly createdAt: string;
}

/** The associated data of a sealed value: its table, row and field, so it opens nowhere else. */
function aad(channelId: string, path: string): string {
  return `alert_channels:${channelId}:${path}`;
}

export interface AlertDelivery {
  readonly outboxId: number;
  readonly channelId: string;
  readonly status: DeliveryStatus;
  readonly attempts: number;
  readonly leaseOwner: string | null;
  readonly leaseUntil: string | null;
  readonly lastError: string | null;
  readonly response: string | null;
  readonly sentAt: string | null;
  readonly updatedAt: string;
}

/** Replace every secret of a channel's config through `f(value, path)`; the rest is copied as it is. */
function mapSecrets(kind: string, config: unknown, f: (value: string, path: string) => string): unknown {
  if (typeof config !== 'object' || config === null || Array.isArray(config)) return config;
  const o: Record<string, unknown> = { ...(config as Record<string, unknown>) };
  const auth = o.auth;
  if (kind === 'email' && typeof auth === 'object' && auth !== null && typeof (auth as { pass?: unknown }).pass === 'string') {
    o.auth = { ...auth, pass: f((auth as { pass: string }).pass, 'auth.pass') };
  }
  if (kind === 'webhook') {
    if (typeof o.secret === 'string') o.secret = f(o.secret, 'secret');
    if (typeof o.headers === 'object' && o.headers !== null) {
      o.headers = Object.fromEntries(Object.entries(o.headers as Record<string, unknown>).map(([k, v]) => [k, typeof v === 'string' ? f(v, `headers.${k}`) : v]));
    }
  }
  if (kind === 'telegram' && typeof o.botToken === 'string') o.botToken = f(o.botToken, 'botToken');
  return o;
}

/** The secret paths of a config, sealed or not. */
function secretValues(kind: string, config: unknown): string[] {
  const out: string[] = [];
  mapSecrets(kind, config, (v) => {
    out.push(v);
    return v;
  });
  return out;
}

/** What `perisai secrets status` reports. */
export interface SecretStatus {
  readonly sealed: number;
  readonly plaintext: number;
  /** Sealed values per key id. */
  readonly byKey: Readonly<Record<string, number>>;
}

export class AlertRepo {
  readonly #ctx: Ctx;
  constructor(ctx: Ctx) {
    this.#ctx = ctx;
  }

  #channel(r: Selectable<AlertChannelTable>): StoredAlertChannel {
    const box = this.#ctx.secrets;
    const config = mapSecrets(r.kind, this.#ctx.d.fromJson(r.config), (v, path) => (SecretBox.isSealed(v) ? box.open(v, aad(r.id, path), `the ${path} of alert channel ${r.name}`) : v));
    return { id: r.id, name: r.name, kind: r.kind as AlertChannelKind, config, enabled: this.#ctx.d.fromBool(r.enabled), createdAt: r.created_at, updatedAt: r.updated_at };
  }

  /** The config as stored: every secret sealed for channel `id`. */
  #sealed(kind: string, id: string, config: unknown): unknown {
    return mapSecrets(kind, config, (v, path) => (SecretBox.isSealed(v) ? v : this.#ctx.secrets.seal(v, aad(id, path))));
  }

  /**
   * Seal the secrets an older version stored in plain text (createStore runs this at every start; it
   * writes only when there is something to seal). Returns the channels changed.
   */
  async sealPlaintext(): Promise<number> {
    return this.#rewriteSecrets('sealing alert channel secrets', (v) => !SecretBox.isSealed(v));
  }

  /**
   * Seal every secret again with the current key (the rotation: src/cli/commands/alerts.ts `secrets
   * rotate-key`), in one transaction. Returns the channels changed.
   */
  async resealAll(): Promise<number> {
    const current = this.#ctx.secrets.currentKeyId();
    return this.#rewriteSecrets('re-sealing alert channel secrets', (v) => !SecretBox.isSealed(v) || SecretBox.keyIdOf(v) !== current);
  }

  async #rewriteSecrets(action: string, needs: (value: string) => boolean): Promise<number> {
    const n = await tx(this.#ctx, action, async (ctx) => {
      const rows = await ctx.db.selectFrom('alert_channels').select(['id', 'name', 'kind', 'config']).execute();
      let n = 0;
      for (const r of rows) {
        const stored = ctx.d.fromJson(r.config);
        if (!secretValues(r.kind, stored).some(needs)) continue;
        const plain = mapSecrets(r.kind, stored, (v, path) => (SecretBox.isSealed(v) ? ctx.secrets.open(v, aad(r.id, path), `the ${path} of alert channel ${r.name}`) : v));
        const config = mapSecrets(r.kind, plain, (v, path) => ctx.secrets.seal(v, aad(r.id, path)));
        await ctx.db.updateTable('alert_channels').set({ config: ctx.d.json(config) }).where('id', '=', r.id).execute();
        n++;
      }
      return n;
    });
    // The old values are gone from the rows; make them go from the files too (dialect.eraseReplaced).
    if (n > 0 && !this.#ctx.inTransaction) await run(this.#ctx, 'erasing replaced secrets', (db) => this.#ctx.d.eraseReplaced(db, 'alert_channels'));
    return n;
  }

  /** How many stored secrets are sealed (per key) and how many are still plain text. */
  async secretStatus(): Promise<SecretStatus> {
    const rows = await run(this.#ctx, 'reading alert channels', (db) => db.selectFrom('alert_channels').select(['kind', 'config']).execute());
    const byKey: Record<string, number> = {};
    let plaintext = 0;
    let sealed = 0;
    for (const r of rows) {
      for (const v of secretValues(r.kind, this.#ctx.d.fromJson(r.config))) {
        if (SecretBox.isSealed(v)) {
          sealed++;
          byKey[SecretBox.keyIdOf(v)] = (byKey[SecretBox.keyIdOf(v)] ?? 0) + 1;
        } else plaintext++;
      }
    }
    return { sealed, plaintext, byKey };
  }

  #rule(r: Selectable<AlertRuleTable>): StoredAlertRule {
    return { id: r.id, name: r.name, filter: this.#ctx.d.fromJson(r.filter), channelIds: this.#ctx.d.fromJson<string[]>(r.channel_ids) ?? [], enabled: this.#ctx.d.fromBool(r.enabled), createdAt: r.created_at };
  }

  #delivery(r: Selectable<AlertDeliveryTable>): AlertDelivery {
    return {
      outboxId: r.outbox_id, channelId: r.channel_id, status: r.status as DeliveryStatus, attempts: r.attempts, leaseOwner: r.lease_owner, leaseUntil: r.lease_until,
      lastError: r.last_error, response: r.response, sentAt: r.sent_at, updatedAt: r.updated_at,
    };
  }

  // ---- channels ----

  /** Name is unique (E_CONFLICT on a duplicate). */
  async addChannel(input: { name: string; kind: AlertChannelKind; config: unknown; enabled?: boolean }): Promise<StoredAlertChannel> {
    return tx(this.#ctx, `adding alert channel ${input.name}`, async (ctx) => {
      const now = nowIso(ctx);
      const id = randomUUID();
      const row = { id, name: input.name, kind: input.kind, config: ctx.d.json(this.#sealed(input.kind, id, input.config)), enabled: ctx.d.bool(input.enabled ?? true), created_at: now, updated_at: now };
      await ctx.db.insertInto('alert_channels').values(row).execute();
      return this.#channel(row);
    });
  }

  async listChannels(): Promise<StoredAlertChannel[]> {
    const rows = await run(this.#ctx, 'listing alert channels', (db) => db.selectFrom('alert_channels').selectAll().orderBy('name').execute());
    return rows.map((r) => this.#channel(r));
  }

  /** By id or by name. */
  async getChannel(idOrName: string): Promise<StoredAlertChannel> {
    const r = await run(this.#ctx, 'reading an alert channel', (db) =>
      db.selectFrom('alert_channels').selectAll().where((eb) => eb.or([eb('id', '=', idOrName), eb('name', '=', idOrName)])).executeTakeFirst());
    if (r === undefined) throw notFound('alert channel', idOrName);
    return this.#channel(r);
  }

  async setChannelEnabled(idOrName: string, enabled: boolean): Promise<void> {
    const c = await this.getChannel(idOrName);
    await run(this.#ctx, 'updating an alert channel', (db) =>
      db.updateTable('alert_channels').set({ enabled: this.#ctx.d.bool(enabled), updated_at: nowIso(this.#ctx) }).where('id', '=', c.id).execute());
  }

  /** Refused while a rule still routes to the channel (remove or edit the rule first). */
  async removeChannel(idOrName: string): Promise<void> {
    await tx(this.#ctx, `removing alert channel ${idOrName}`, async (ctx) => {
      const c = await new AlertRepo(ctx).getChannel(idOrName);
      const users = (await new AlertRepo(ctx).listRules()).filter((r) => r.channelIds.includes(c.id));
      if (users.length > 0) throw new PerisaiError('E_CONFLICT', `alert channel ${c.name} is used by rule(s) ${users.map((r) => r.name).join(', ')}; remove them first`, { channel: c.name });
      await ctx.db.deleteFrom('alert_channels').where('id', '=', c.id).execute();
    });
  }

  // ---- rules ----

  async addRule(input: { name: string; filter: unknown; channelIds: readonly string[]; enabled?: boolean }): Promise<StoredAlertRule> {
    return tx(this.#ctx, `adding alert rule ${input.name}`, async (ctx) => {
      for (const id of input.channelIds) await new AlertRepo(ctx).getChannel(id);
      const row = { id: randomUUID(), name: input.name, filter: ctx.d.json(input.filter), channel_ids: ctx.d.json([...input.channelIds]), enabled: ctx.d.bool(input.enabled ?? true), created_at: nowIso(ctx) };
      await ctx.db.insertInto('alert_rules').values(row).execute();
      return this.#rule(row);
    });
  }

  async listRules(): Promise<StoredAlertRule[]> {
    const rows = await run(this.#ctx, 'listing alert rules', (db) => db.selectFrom('alert_rules').selectAll().orderBy('name').execute());
    return rows.map((r) => this.#rule(r));
  }

  /** Pause or resume a rule (the dispatcher skips disabled rules); returns it as stored. */
  async setRuleEnabled(idOrName: string, enabled: boolean): Promise<StoredAlertRule> {
    return tx(this.#ctx, `updating alert rule ${idOrName}`, async (ctx) => {
      const r = await ctx.db.updateTable('alert_rules').set({ enabled: ctx.d.bool(enabled) })
        .where((eb) => eb.or([eb('id', '=', idOrName), eb('name', '=', idOrName)])).executeTakeFirst();
      if (Number(r.numUpdatedRows) !== 1) throw notFound('alert rule', idOrName);
      const row = await ctx.db.selectFrom('alert_rules').selectAll().where((eb) => eb.or([eb('id', '=', idOrName), eb('name', '=', idOrName)])).executeTakeFirstOrThrow();
      return this.#rule(row);
    });
  }

  async removeRule(idOrName: string): Promise<void> {
    await tx(this.#ctx, `removing alert rule ${idOrName}`, async (ctx) => {
      const r = await ctx.db.deleteFrom('alert_rules').where((eb) => eb.or([eb('id', '=', idOrName), eb('name', '=', idOrName)])).executeTakeFirst();
      if (Number(r.numDeletedRows) !== 1) throw notFound('alert rule', idOrName);
    });
  }

  // ---- deliveries ----

  /**
   * Take the (message, channel) delivery for `leaseMs`: true when this caller may send now. False when
   * it was already sent or dead-lettered, or another dispatcher holds a live lease. A `sending` row whose
   * lease ran out means a dispatcher died during or right after the send: it is taken again and the
   * message re-sent (the one window where the wire sees a duplicate; docs/alerts.md).
   * One INSERT … ON CONFLICT DO UPDATE … WHERE: atomic on both dialects.
   */
  async acquireDelivery(outboxId: number, channelId: string, owner: string, leaseMs: number): Promise<boolean> {
    return tx(this.#ctx, 'taking an alert delivery', async (ctx) => {
      const now = nowIso(ctx);
      const until = new Date(Date.parse(now) + leaseMs).toISOString();
      const r = await ctx.db.insertInto('alert_deliveries')
        .values({ outbox_id: outboxId, channel_id: channelId, status: 'sending', attempts: 1, lease_owner: owner, lease_until: until, last_error: null, response: null, sent_at: null, updated_at: now })
        .onConflict((oc) => oc.columns(['outbox_id', 'channel_id'])
          .doUpdateSet((eb) => ({ status: 'sending', attempts: eb('alert_deliveries.attempts', '+', 1), lease_owner: owner, lease_until: until, updated_at: now }))
          .where((eb) => eb.or([
            eb('alert_deliveries.status', '=', 'failed'),
            eb.and([eb('alert_deliveries.status', '=', 'sending'), eb('alert_deliveries.lease_until', '<', now)]),
          ])))
        .returning('outbox_id')
        .executeTakeFirst();
      return r !== undefined;
    });
  }

  /** Record the outcome of a send this owner holds the lease for. */
  async finishDelivery(outboxId: number, channelId: string, owner: string, outcome: { status: 'sent' | 'failed' | 'dead'; error?: string; response?: string }): Promise<void> {
    await tx(this.#ctx, 'recording an alert delivery', async (ctx) => {
      const now = nowIso(ctx);
      const r = await ctx.db.updateTable('alert_deliveries')
        .set({ status: outcome.status, lease_owner: null, lease_until: null, last_error: outcome.error ?? null, response: outcome.response ?? null, sent_at: outcome.status === 'sent' ? now : null, updated_at: now })
        .where('outbox_id', '=', outboxId).where('channel_id', '=', channelId).where('lease_owner', '=', owner).where('status', '=', 'sending')
        .executeTakeFirst();
      if (Number(r.numUpdatedRows) !== 1) throw new PerisaiError('E_CONFLICT', `delivery of alert ${outboxId} to channel ${channelId}: lease lost (another dispatcher took it)`, { outboxId, channelId });
    });
  }

  /** Dead-letter every not-yet-sent delivery of a message for the given channels (attempts exhausted). */
  async deadLetter(outboxId: number, channelIds: readonly string[], error: string): Promise<void> {
    if (channelIds.length === 0) return;
    await tx(this.#ctx, 'dead-lettering an alert', async (ctx) => {
      const now = nowIso(ctx);
      await ctx.db.updateTable('alert_deliveries').set({ status: 'dead', lease_owner: null, lease_until: null, last_error: error, updated_at: now })
        .where('outbox_id', '=', outboxId).where('channel_id', 'in', [...channelIds]).where('status', 'in', ['failed', 'sending']).execute();
      await ctx.db.updateTable('outbox').set({ last_error: `dead-letter: ${error}` }).where('id', '=', outboxId).execute();
    });
  }

  async deliveriesOf(outboxId: number): Promise<AlertDelivery[]> {
    const rows = await run(this.#ctx, 'reading alert deliveries', (db) => db.selectFrom('alert_deliveries').selectAll().where('outbox_id', '=', outboxId).orderBy('channel_id').execute());
    return rows.map((r) => this.#delivery(r));
  }

  /** Deliveries, newest first; `status: 'dead'` is the administrators' dead-letter queue. */
  async listDeliveries(filter: { status?: DeliveryStatus; limit?: number } = {}): Promise<(AlertDelivery & { topic: string; dedupKey: string })[]> {
    const rows = await run(this.#ctx, 'listing alert deliveries', (db) => {
      let q = db.selectFrom('alert_deliveries').innerJoin('outbox', 'outbox.id', 'alert_deliveries.outbox_id').selectAll('alert_deliveries').select(['outbox.topic', 'outbox.dedup_key']);
      if (filter.status !== undefined) q = q.where('alert_deliveries.status', '=', filter.status);
      return q.orderBy('alert_deliveries.updated_at', 'desc').limit(Math.min(filter.limit ?? 100, 10_000)).execute();
    });
    return rows.map((r) => ({ ...this.#delivery(r), topic: r.topic, dedupKey: r.dedup_key }));
  }

  /**
   * Give a dead-lettered message another round (after fixing the channel): its dead deliveries become
   * `failed` (retryable) and the outbox row pending again with a fresh attempt count. Channels that
   * already got it keep `sent` and are not sent to again.
   */
  async requeue(outboxId: number): Promise<number> {
    return tx(this.#ctx, `requeueing alert ${outboxId}`, async (ctx) => {
      const now = nowIso(ctx);
      const d = await ctx.db.updateTable('alert_deliveries').set({ status: 'failed', attempts: 0, updated_at: now }).where('outbox_id', '=', outboxId).where('status', '=', 'dead').executeTakeFirst();
      const o = await ctx.db.updateTable('outbox').set({ delivered_at: null, available_at: now, attempts: 0, locked_until: null }).where('id', '=', outboxId).executeTakeFirst();
      if (Number(o.numUpdatedRows) !== 1) throw notFound('outbox message', String(outboxId));
      return Number(d.numUpdatedRows);
    });
  }
}
