// The alert dispatcher: claims outbox rows, evaluates the stored rules, sends to each matching channel,
// and records what it did (docs/alerts.md "Delivery guarantee").
//
// Per message:
//   1. outbox.claim() locks the row for `lockMs` (PostgreSQL FOR UPDATE SKIP LOCKED; SQLite's single
//      writer) — two dispatchers never hold the same row at once.
//   2. For each channel the matching rules name: alerts.acquireDelivery() takes the (row, channel) delivery
//      with a lease; a channel already `sent` (a retry after a partial failure, or after a crash before
//      step 4) or `dead` is skipped.
//   3. Send; then finishDelivery(sent) — written BEFORE the outbox row is marked.
//   4. All channels sent → outbox.markDelivered. Some failed → markFailed with exponential back-off
//      (base·2^(attempt−1), capped), or, after `maxAttempts` claims, dead-letter those deliveries
//      (visible with `perisai alert deliveries --status dead`, requeued with `perisai alert retry`).
//
// A busy database (another process holds SQLite's write lock: an import, a backup) does not cost a message:
// every write of a round is retried with back-off (src/store/errors.ts retryOnBusy) — above all the
// record of a send, so that a message the channel accepted is not sent again — and a round that still
// fails on a busy database is retried with growing pauses rather than the fixed poll interval.
//
// The one remaining duplicate window: a crash after the channel accepted the message and before step 3's
// write commits. The next dispatcher sees a `sending` delivery with an expired lease and sends again.
// Webhooks carry the same Idempotency-Key and emails the same Message-ID both times so receivers can drop
// the copy; Telegram's sendMessage has no idempotency key, so a chat can see that message twice.

import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ContactRole } from '../domain/contact.js';
import { isPerisaiError } from '../domain/errors.js';
import { isBusy, retryOnBusy } from '../store/index.js';
import type { OutboxMessage, Store, StoredAlertChannel } from '../store/index.js';
import { DeliveryError, describeFailure, sendEmail, sendTelegram, sendWebhook, validateChannelConfig } from './channels.js';
import type { EmailConfig, MailAttachment, OutgoingAlert, TelegramConfig, WebhookConfig } from './channels.js';
import { renderAlert } from './render.js';
import type { AlertContext } from './render.js';
import { findingRuleOf, portOfMessage, ruleMatches, severityOfMessage, validateRuleFilter } from './rules.js';
import type { MessageFacts, RuleFilter } from './rules.js';

export interface DispatcherOptions {
  /** Identifies this dispatcher in delivery leases (default: a random id). */
  readonly owner?: string;
  /** Outbox rows claimed per round (default 20). */
  readonly batchSize?: number;
  /** How long a claim and a delivery lease last; must exceed the slowest send (default 120 s). */
  readonly lockMs?: number;
  /** Back-off after a failed attempt: base·2^(attempt−1), at most cap (default 30 s, 1 h). */
  readonly backoff?: { readonly baseMs: number; readonly capMs: number };
  /** Claims of one message before its failing deliveries are dead-lettered (default 10). */
  readonly maxAttempts?: number;
  /** Sleep when the outbox is empty (default 2 s). */
  readonly pollMs?: number;
  readonly clock?: () => Date;
  /**
   * The address the web UI is reached at (env PERISAI_PUBLIC_URL, e.g. https://perisai.kota.go.id): a
   * circular message's per-agency link is written with it; without it the link is the path alone.
   */
  readonly publicUrl?: string;
  /** How long a per-agency link minted for a circular message stays valid (default 14 days). */
  readonly linkDays?: number;
  /**
   * The files an e-mail of this message carries, from what its payload names (`attachments`: a report
   * card or a situation report, rendered from their stored snapshot by src/api/office-mail.ts). A failure
   * is logged and the mail goes without them: its text says what the file would have.
   */
  readonly attachments?: (m: OutboxMessage) => Promise<readonly MailAttachment[]>;
  /** One line per event; never contains a secret. Default: silent. */
  readonly log?: (line: string) => void;
  /** Test seams: called at the crash points the delivery guarantee is about. A throw aborts the round as a crash would. */
  readonly hooks?: {
    readonly afterSend?: (outboxId: number, channelId: string) => void | Promise<void>;
    readonly afterRecord?: (outboxId: number, channelId: string) => void | Promise<void>;
  };
}

export interface RoundResult {
  readonly claimed: number;
  /** Messages fully delivered (every channel sent or dead) this round. */
  readonly completed: number;
  /** Messages no rule routed anywhere (marked delivered, nothing sent). */
  readonly unrouted: number;
  /** Sends that succeeded this round. */
  readonly sent: number;
  readonly retried: number;
  readonly deadLettered: number;
}

interface Rule {
  readonly name: string;
  readonly filter: RuleFilter;
  readonly channelIds: readonly string[];
}

function obj(v: unknown): Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

function arr(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

const EMAIL = /^[^\s@<>,;]+@[^\s@<>,;]+\.[^\s@<>,;]+$/;

function strOrNull(v: unknown): string | null {
  return typeof v === 'string' && v !== '' ? v : null;
}

/** Exponential back-off: base·2^(attempt−1), capped (attempt counts from 1). */
export function backoffMs(attempt: number, base: number, cap: number): number {
  return Math.min(cap, base * 2 ** Math.min(Math.max(attempt - 1, 0), 30));
}

/** Topics whose payload names its own addressees, paragraph and link (circulars, report cards). */
function addressed(topic: string): boolean {
  return topic.startsWith('circular.') || topic.startsWith('report-card.');
}

export class Dispatcher {
  readonly #store: Store;
  readonly #owner: string;
  readonly #batch: number;
  readonly #lockMs: number;
  readonly #base: number;
  readonly #cap: number;
  readonly #maxAttempts: number;
  readonly #clock: () => Date;
  readonly #log: (line: string) => void;
  readonly #hooks: NonNullable<DispatcherOptions['hooks']>;
  readonly #publicUrl: string;
  readonly #linkDays: number;
  readonly #attachments: DispatcherOptions['attachments'];

  constructor(store: Store, opts: DispatcherOptions = {}) {
    this.#store = store;
    this.#owner = opts.owner ?? `dispatcher-${randomUUID()}`;
    this.#batch = opts.batchSize ?? 20;
    this.#lockMs = opts.lockMs ?? 120_000;
    this.#base = opts.backoff?.baseMs ?? 30_000;
    this.#cap = opts.backoff?.capMs ?? 3_600_000;
    this.#maxAttempts = opts.maxAttempts ?? 10;
    this.#clock = opts.clock ?? (() => new Date());
    this.#log = opts.log ?? (() => {});
    this.#hooks = opts.hooks ?? {};
    this.#publicUrl = (opts.publicUrl ?? process.env.PERISAI_PUBLIC_URL ?? '').replace(/\/+$/, '');
    this.#linkDays = opts.linkDays ?? 14;
    this.#attachments = opts.attachments;
  }

  get owner(): string {
    return this.#owner;
  }

  /** A store write of a round, run again while the database is busy. */
  #write<T>(what: string, fn: () => Promise<T>): Promise<T> {
    return retryOnBusy(fn, { attempts: 10, baseMs: 100, capMs: 5_000, onBusy: (n, ms) => this.#log(`alert dispatcher: ${what}: database busy, retry ${n} in ${ms} ms`) });
  }

  /** Claim one batch and process it. Throws on a store error (the claimed rows become claimable again when their lock ends). */
  async runOnce(): Promise<RoundResult> {
    const msgs = await this.#store.outbox.claim({ limit: this.#batch, lockMs: this.#lockMs });
    const r = { claimed: msgs.length, completed: 0, unrouted: 0, sent: 0, retried: 0, deadLettered: 0 };
    if (msgs.length === 0) return r;
    const channels = new Map((await this.#store.alerts.listChannels()).filter((c) => c.enabled).map((c) => [c.id, c]));
    const rules: Rule[] = [];
    for (const s of await this.#store.alerts.listRules()) {
      if (!s.enabled) continue;
      try {
        rules.push({ name: s.name, filter: validateRuleFilter(s.filter), channelIds: s.channelIds });
      } catch (e) {
        this.#log(`alert rule ${s.name} ignored: ${(e as Error).message}`);
      }
    }
    for (const m of msgs) await this.#process(m, rules, channels, r);
    return r;
  }

  async #agencyChain(agencyId: string | null): Promise<{ chain: string[]; agency: AlertContext['agency'] }> {
    if (agencyId === null) return { chain: [], agency: null };
    try {
      const a = await this.#store.agencies.get('all', agencyId);
      const up = await this.#store.agencies.ancestors('all', agencyId);
      return { chain: [a.id, ...up.map((x) => x.id).filter((x) => x !== a.id)], agency: { id: a.id, code: a.code, name: a.name } };
    } catch (e) {
      if (isPerisaiError(e, 'E_NOT_FOUND')) return { chain: [agencyId], agency: null };
      throw e;
    }
  }

  async #context(m: OutboxMessage, agency: AlertContext['agency']): Promise<AlertContext> {
    const p = obj(m.payload);
    let ip = strOrNull(p.ip);
    let hostname = strOrNull(p.hostname) ?? strOrNull(p.netbiosName) ?? strOrNull(p.dnsName);
    const assetId = strOrNull(p.assetId);
    if (assetId !== null && (ip === null || hostname === null)) {
      try {
        const a = await this.#store.assets.get('all', assetId);
        ip ??= a.ip;
        hostname ??= a.netbiosName ?? a.dnsName;
      } catch (e) {
        if (!isPerisaiError(e, 'E_NOT_FOUND')) throw e;
      }
    }
    const t = obj(p.title);
    let title = typeof t.id === 'string' && typeof t.en === 'string' ? { id: t.id, en: t.en } : null;
    if (title === null && m.topic === 'change.check-changed' && typeof p.check === 'string') {
      const to = strOrNull(p.to) ?? '?';
      title = { id: `Hasil pemeriksaan ${p.check} berubah menjadi ${to}`, en: `Check ${p.check} changed to ${to}` };
    }
    return {
      topic: m.topic, dedupKey: m.dedupKey, agency, severity: severityOfMessage(m.topic, m.payload), ip, hostname, port: portOfMessage(m.payload),
      title, findingRule: findingRuleOf(m.payload), service: strOrNull(p.service) ?? strOrNull(p.banner), at: m.createdAt,
    };
  }

  /**
   * A circular or report-card message's paragraph, and its link: a page of the web UI (`href`), or a
   * circular's per-agency link minted now — a fresh token whose SHA-256 alone is stored
   * (store/repos/circulars.ts), so the token exists only in the message sent, never in the outbox.
   */
  async #circularExtras(m: OutboxMessage): Promise<{ detail: { id: string; en: string } | null; link: string | null }> {
    if (!addressed(m.topic)) return { detail: null, link: null };
    const p = obj(m.payload);
    const d = obj(p.detail);
    const detail = typeof d.id === 'string' && typeof d.en === 'string' ? { id: d.id, en: d.en } : null;
    if (typeof p.href === 'string' && p.href.startsWith('/') && !p.href.startsWith('//')) return { detail, link: `${this.#publicUrl}${p.href}` };
    const l = obj(p.link);
    if (typeof l.circularId !== 'string' || typeof l.agencyId !== 'string') return { detail, link: null };
    try {
      const c = await this.#store.circulars.get(l.circularId);
      if (c.status !== 'sent') return { detail, link: null };
      const token = randomBytes(32).toString('base64url');
      const expires = new Date(this.#clock().getTime() + this.#linkDays * 86_400_000).toISOString();
      await this.#store.circulars.createLink(l.circularId, l.agencyId, createHash('sha256').update(token).digest('hex'), expires, 'perisai-dispatcher');
      return { detail, link: `${this.#publicUrl}/surat-edaran#${token}` };
    } catch (e) {
      if (isPerisaiError(e)) return { detail, link: null }; // the circular or recipient is gone: the message still goes
      throw e;
    }
  }

  async #recipients(c: EmailConfig, agencyId: string | null, m?: OutboxMessage): Promise<string[]> {
    const out = new Set(c.to ?? []);
    // A circular or report-card message names its addressees (the agency's contacts, its head, the tembusan,
    // the head of office: src/api/circular-service.ts, src/api/report-schedule.ts); the channel's own
    // recipients get a copy.
    if (m !== undefined && addressed(m.topic)) for (const x of arr(obj(m.payload).to)) if (typeof x === 'string' && EMAIL.test(x)) out.add(x);
    if (agencyId !== null && c.toRoles !== undefined) {
      for (const role of c.toRoles) {
        for (const ct of await this.#store.contacts.list('all', { agencyId, role: role as ContactRole })) if (ct.email !== null) out.add(ct.email);
      }
    }
    return [...out];
  }

  /** Send to one channel; resolves with a short response note, rejects with DeliveryError. */
  async #send(ch: StoredAlertChannel, a: OutgoingAlert, agencyId: string | null, m?: OutboxMessage): Promise<string> {
    let config;
    try {
      config = validateChannelConfig(ch.kind, ch.config);
    } catch (e) {
      const field = (e as { details?: { field?: unknown } }).details?.field;
      throw new DeliveryError(`channel ${ch.name} misconfigured: ${(e as Error).message}`, true, `kanal ${ch.name} salah konfigurasi${typeof field === 'string' ? ` (kolom ${field})` : ''}`, 'config');
    }
    switch (ch.kind) {
      case 'email':
        return sendEmail(config as EmailConfig, await this.#recipients(config as EmailConfig, agencyId, m), a, ch.id);
      case 'webhook':
        return sendWebhook(config as WebhookConfig, a);
      case 'telegram':
        return sendTelegram(config as TelegramConfig, a);
    }
  }

  async #process(m: OutboxMessage, rules: readonly Rule[], channels: ReadonlyMap<string, StoredAlertChannel>, r: { completed: number; unrouted: number; sent: number; retried: number; deadLettered: number }): Promise<void> {
    const { chain, agency } = await this.#agencyChain(m.agencyId);
    const facts: MessageFacts = { topic: m.topic, agencyChain: chain, severity: severityOfMessage(m.topic, m.payload), port: portOfMessage(m.payload), findingRule: findingRuleOf(m.payload) };
    const targets = new Map<string, StoredAlertChannel>();
    for (const rule of rules) {
      if (!ruleMatches(rule.filter, facts)) continue;
      for (const id of rule.channelIds) {
        const ch = channels.get(id);
        if (ch !== undefined) targets.set(id, ch);
      }
    }
    if (targets.size === 0) {
      await this.#write('marking an unrouted message', () => this.#store.outbox.markDelivered(m.id));
      r.unrouted++;
      return;
    }
    const ctx = { ...(await this.#context(m, agency)), ...(await this.#circularExtras(m)) };
    const files = [...targets.values()].some((ch) => ch.kind === 'email') ? await this.#files(m) : [];
    const alert: OutgoingAlert = { topic: m.topic, dedupKey: m.dedupKey, agency, severity: ctx.severity, rendered: renderAlert(ctx), payload: m.payload, createdAt: m.createdAt, attachments: files };
    const failed: { channelId: string; error: string }[] = [];
    let busyElsewhere = false;
    for (const ch of targets.values()) {
      if (!(await this.#write('taking a delivery', () => this.#store.alerts.acquireDelivery(m.id, ch.id, this.#owner, this.#lockMs)))) {
        const d = (await this.#store.alerts.deliveriesOf(m.id)).find((x) => x.channelId === ch.id);
        if (d?.status === 'sending') busyElsewhere = true;
        continue; // sent or dead: nothing to do for this channel
      }
      let response: string;
      try {
        response = await this.#send(ch, alert, m.agencyId, m);
      } catch (e) {
        const de = e instanceof DeliveryError ? e : (() => {
          const cause = describeFailure(e, 0);
          return new DeliveryError(`${ch.kind}: ${cause.en}`, false, `${ch.kind}: ${cause.id}`, cause.kind);
        })();
        await this.#finish(m.id, ch.id, { status: de.permanent ? 'dead' : 'failed', error: de.message });
        this.#log(`alert ${m.id} (${m.topic}) → ${ch.name}: ${de.permanent ? 'dead-lettered' : 'failed'}: ${de.message}`);
        if (de.permanent) r.deadLettered++;
        else failed.push({ channelId: ch.id, error: `${ch.name}: ${de.message}` });
        continue;
      }
      await this.#hooks.afterSend?.(m.id, ch.id);
      if (await this.#finish(m.id, ch.id, { status: 'sent', response })) r.sent++;
      await this.#hooks.afterRecord?.(m.id, ch.id);
      this.#log(`alert ${m.id} (${m.topic}) → ${ch.name}: sent (${response})`);
    }
    const error = failed.map((f) => f.error).join('; ');
    if (failed.length === 0 && !busyElsewhere) {
      await this.#write('marking a message delivered', () => this.#store.outbox.markDelivered(m.id));
      r.completed++;
    } else if (failed.length > 0 && m.attempts >= this.#maxAttempts) {
      await this.#write('dead-lettering a message', () => this.#store.transaction(async (tx) => {
        await tx.outbox.markDelivered(m.id);
        await tx.alerts.deadLetter(m.id, failed.map((f) => f.channelId), `gave up after ${m.attempts} attempts: ${error}`);
      }));
      r.deadLettered += failed.length;
      r.completed++;
      this.#log(`alert ${m.id} (${m.topic}): dead-lettered after ${m.attempts} attempts`);
    } else {
      const wait = busyElsewhere && failed.length === 0 ? this.#lockMs : backoffMs(m.attempts, this.#base, this.#cap);
      await this.#write('scheduling a retry', () => this.#store.outbox.markFailed(m.id, error || 'another dispatcher holds a delivery', new Date(this.#clock().getTime() + wait).toISOString()));
      r.retried++;
    }
  }

  async #files(m: OutboxMessage): Promise<readonly MailAttachment[]> {
    if (this.#attachments === undefined || arr(obj(m.payload).attachments).length === 0) return [];
    try {
      return await this.#attachments(m);
    } catch (e) {
      this.#log(`alert ${m.id} (${m.topic}): attachments left out: ${(e as Error).message}`);
      return [];
    }
  }

  /** Record a send's outcome; false when the lease was lost (another dispatcher took over after our lease ran out). */
  async #finish(outboxId: number, channelId: string, outcome: { status: 'sent' | 'failed' | 'dead'; error?: string; response?: string }): Promise<boolean> {
    try {
      await this.#write('recording a send', () => this.#store.alerts.finishDelivery(outboxId, channelId, this.#owner, outcome));
      return true;
    } catch (e) {
      if (!isPerisaiError(e, 'E_CONFLICT')) throw e;
      this.#log(`alert ${outboxId} → ${channelId}: ${(e as Error).message}`);
      return false;
    }
  }
}

export interface RunningDispatcher {
  readonly dispatcher: Dispatcher;
  /** Stop after the current round; resolves when the loop has ended. */
  stop(): Promise<void>;
}

/**
 * Run a dispatcher until stopped (`perisai serve`). Store errors are logged and retried after pollMs; a
 * busy database after a growing pause (pollMs·2^n, at most a minute), logged once per busy spell.
 */
export function startDispatcher(store: Store, opts: DispatcherOptions = {}): RunningDispatcher {
  const dispatcher = new Dispatcher(store, opts);
  const pollMs = opts.pollMs ?? 2_000;
  const log = opts.log ?? (() => {});
  const ac = new AbortController();
  const loop = (async () => {
    let busy = 0;
    while (!ac.signal.aborted) {
      let wait = 0;
      try {
        if ((await dispatcher.runOnce()).claimed === 0) wait = pollMs;
        busy = 0;
      } catch (e) {
        if (isBusy(e)) {
          if (busy === 0) log('alert dispatcher: the database is busy (another process is writing); retrying with back-off');
          wait = backoffMs(++busy, pollMs, 60_000);
        } else {
          log(`alert dispatcher: ${(e as Error).message}`);
          wait = pollMs;
        }
      }
      if (wait > 0 && !ac.signal.aborted) await sleep(wait, undefined, { signal: ac.signal }).catch(() => {});
    }
  })();
  return {
    dispatcher,
    async stop() {
      ac.abort();
      await loop;
    },
  };
}

/** Send a sample alert straight to one channel (`perisai alert channel test`), bypassing rules and outbox. */
export async function testChannel(store: Store, idOrName: string): Promise<string> {
  const ch = await store.alerts.getChannel(idOrName);
  const ctx: AlertContext = {
    topic: 'finding.opened', dedupKey: `test:${ch.id}:${randomUUID()}`, agency: null, severity: 'critical', ip: '192.0.2.10', hostname: 'UJI-PERISAI',
    port: 445, title: { id: 'Uji kanal peringatan (bukan kejadian nyata)', en: 'Alert channel test (not a real event)' }, findingRule: 'test', service: null, at: new Date().toISOString(),
  };
  const a: OutgoingAlert = { topic: 'test', dedupKey: ctx.dedupKey, agency: null, severity: 'critical', rendered: renderAlert(ctx), payload: { test: true }, createdAt: ctx.at };
  const config = validateChannelConfig(ch.kind, ch.config);
  switch (ch.kind) {
    case 'email': {
      const c = config as EmailConfig;
      if ((c.to ?? []).length === 0) {
        throw new DeliveryError('email: a test needs fixed "to" recipients (contacts by role depend on an agency)', true,
          'email: uji kanal memerlukan penerima tetap "to" (narahubung menurut peran bergantung pada instansi)', 'config');
      }
      return sendEmail(c, c.to ?? [], a, ch.id);
    }
    case 'webhook':
      return sendWebhook(config as WebhookConfig, a);
    case 'telegram':
      return sendTelegram(config as TelegramConfig, a);
  }
}
