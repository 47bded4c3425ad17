// What the scan engine found, as the result pages show it (scan result, asset detail, findings): a card
// per check with its verdict, port, reason in the reader's language and evidence folded away; evidence as
// key/value pairs (nested values indented, lists as lists), banners with escaped bytes marked. Titles and
// remediation come from the engine's own check metadata (GET /checks), reasons from the dictionaries.
import { Fragment, useState } from 'react';
import type { ReactNode } from 'react';
import { api } from './api';
import type { CheckMeta, RiskRuleMeta } from './api';
import { BINARY_SHARE, NOTE_SIBLINGS, bannerParts, binaryShare, codeSpans, evidenceLabelKey, evidenceValueKey, isEngineTextField, isHexKey, isNoteCodeField, isReasonField, noteText, notApplicable, reasonMessage, sourceVia, worstState } from './format';
import { isMessageKey, translate, useI18n } from './i18n';
import type { MessageKey } from './i18n';
import { useLoad } from './ui';
import type { Loaded } from './ui';

export type Catalogue = ReadonlyMap<string, CheckMeta>;
export type RiskRules = ReadonlyMap<string, RiskRuleMeta>;

/** `load` once per page load (catalogues change only with a new release); a failure is asked again next time. */
function once<T>(load: () => Promise<T>): () => Promise<T> {
  let p: Promise<T> | null = null;
  return () => (p ??= load().catch((e: unknown) => {
    p = null;
    throw e;
  }));
}

/** The checks of the engine by id: titles and remediation in both languages. */
export const checkCatalogue: () => Promise<Catalogue> = once(() => api<{ items: CheckMeta[] }>('GET', '/checks').then((r) => new Map(r.items.map((c) => [c.id, c]))));

/** The risk rules by id: why an asset has its rating, in both languages. */
export const riskRuleCatalogue: () => Promise<RiskRules> = once(() => api<{ items: RiskRuleMeta[] }>('GET', '/risk-rules').then((r) => new Map(r.items.map((x) => [x.id, x]))));

export function useCatalogue(): [Loaded<Catalogue>, () => void] {
  return useLoad(checkCatalogue, []);
}

const STATE_CLASS: Readonly<Record<string, string>> = { vulnerable: 'sev-critical', 'likely-vulnerable': 'sev-high', 'not-vulnerable': 'sev-low', unknown: 'sev-unknown' };

export function Verdict({ state }: { state: string }) {
  const { t } = useI18n();
  const key = `verdict.${state}`;
  return <span className={`badge ${STATE_CLASS[state] ?? 'sev-unknown'}`} data-verdict={state}>{isMessageKey(key) ? t(key) : state}</span>;
}

/** The message of a reason code in the reader's language; the engine's English sentence when the code is unknown here. */
export function Reason({ code, sentence }: { code: string | null | undefined; sentence: string | null | undefined }) {
  const { t } = useI18n();
  const m = code == null ? undefined : reasonMessage(code, (k) => (isMessageKey(k) ? translate('id', k) : undefined));
  if (m !== undefined) return <span className="reason" data-reason={code}>{t(m.key as MessageKey, m.detail !== undefined ? { detail: m.detail } : undefined)}</span>;
  if (sentence != null && sentence !== '') return <span className="reason" lang="en" data-reason={code ?? ''}>{sentence}</span>;
  return null;
}

/** Text with `code` spans (remediation). */
export function Prose({ text }: { text: string }) {
  return <>{codeSpans(text).map((p, i) => (p.code ? <code key={i}>{p.text}</code> : <Fragment key={i}>{p.text}</Fragment>))}</>;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function nested(v: unknown): boolean {
  return isObject(v) || (Array.isArray(v) && v.some((x) => typeof x === 'object' && x !== null));
}

function Label({ name }: { name: string }) {
  const { t } = useI18n();
  const key = evidenceLabelKey(name);
  return isMessageKey(key) ? <>{t(key)}</> : <code>{name}</code>;
}

/** The message of an enumerated value (evidenceValueKey), undefined when the dictionary has none. */
function valueMessage(t: ReturnType<typeof useI18n>['t'], field: string, value: string): string | undefined {
  const key = evidenceValueKey(field, value);
  return key !== undefined && isMessageKey(key) ? t(key) : undefined;
}

/**
 * A string of the evidence: an enumerated value or a reason code by its message in the reader's language
 * (the raw value kept in data-value), the engine's English notes verbatim and marked as its raw output,
 * anything else (names, versions, dialects, status codes, hex) verbatim as data.
 */
function EvidenceText({ name, value }: { name: string; value: string }) {
  const { t } = useI18n();
  if (isHexKey(name)) return <code className="hex">{value}</code>;
  if (name === 'state' && isMessageKey(`verdict.${value}`)) return <Verdict state={value} />;
  const named = valueMessage(t, name, value);
  if (named !== undefined) return <span data-value={value}>{named}</span>;
  const via = sourceVia(value);
  if (via !== undefined) {
    const source = valueMessage(t, name, via.source);
    const overKey = `evidence.value.via.${via.via}`;
    const over = isMessageKey(overKey) ? t(overKey) : undefined;
    if (source !== undefined && over !== undefined) return <span data-value={value}>{t('evidence.value.sourceVia', { source, via: over })}</span>;
  }
  if (isReasonField(name)) {
    const m = reasonMessage(value, (k) => (isMessageKey(k) ? translate('id', k) : undefined));
    if (m !== undefined) return <span data-value={value}>{t(m.key as MessageKey, m.detail !== undefined ? { detail: m.detail } : undefined)}</span>;
  }
  if (isEngineTextField(name)) return <code className="raw raw-text" lang="en" data-raw="engine" title={t('evidence.engineText')}>{value}</code>;
  return <code className="raw" data-raw="">{value}</code>;
}

/**
 * The engine's notes (`sentences`, one or a list) by their machine form (`coded`, the same shape): each note
 * in the reader's language, the English sentences folded under them as the engine's raw output. Undefined
 * when some note has no message here (a code newer than the UI): the caller shows the sentences as they are.
 */
function translatedNotes({ lang }: ReturnType<typeof useI18n>, sentences: unknown, coded: unknown): ReactNode {
  const list = Array.isArray(sentences) ? sentences : [sentences];
  const codes = Array.isArray(coded) ? coded : [coded];
  if (list.length !== codes.length || !list.every((x) => typeof x === 'string')) return undefined;
  const texts = codes.map((c) => noteText(c, (k) => (isMessageKey(k) ? translate(lang, k) : undefined)));
  if (!texts.every((x) => x !== undefined)) return undefined;
  return (
    <div className="notes" data-notes="translated">
      {texts.length === 1 ? <span>{texts[0]}</span> : <ul className="ev-items">{texts.map((x, i) => <li key={i}>{x}</li>)}</ul>}
      <RawNote sentences={list as string[]} />
    </div>
  );
}

/** The engine's English sentence folded under what says the same in the reader's language, marked as its raw output. */
function RawNote({ sentences }: { sentences: readonly string[] }) {
  const { t } = useI18n();
  return (
    <details className="raw-note">
      <summary>{t('evidence.engineText')}</summary>
      {sentences.map((x, i) => <code key={i} className="raw raw-text" lang="en" data-raw="engine">{x}</code>)}
    </details>
  );
}

/** One evidence value: scalars as text (hex in monospace), lists as lists, objects as indented key/value pairs. */
export function EvidenceValue({ value, name }: { value: unknown; name?: string }): ReactNode {
  const i18n = useI18n();
  const { t } = i18n;
  if (value === null || value === undefined || value === '') return <span className="muted">{t('common.none')}</span>;
  if (typeof value === 'boolean') return <>{value ? t('common.yes') : t('common.no')}</>;
  if (typeof value === 'number') return <>{String(value)}</>;
  if (typeof value === 'string') return name === undefined ? <code className="raw" data-raw="">{value}</code> : <EvidenceText name={name} value={value} />;
  if (Array.isArray(value)) {
    if (value.length === 0) return <span className="muted">{t('common.none')}</span>;
    if (!value.some((x) => typeof x === 'object' && x !== null)) {
      return <ul className="ev-items">{value.map((x, i) => <li key={i}><EvidenceValue value={x} {...(name !== undefined ? { name } : {})} /></li>)}</ul>;
    }
    return <ol className="ev-list">{value.map((x, i) => <li key={i}><EvidenceValue value={x} /></li>)}</ol>;
  }
  if (!isObject(value)) return <>{String(value)}</>;
  // A note's machine form is shown through its English field, not as a field of its own.
  const siblings: Readonly<Record<string, string>> = NOTE_SIBLINGS;
  const entries = Object.entries(value).filter(([k, v]) => v !== undefined && !(isNoteCodeField(k) && Object.keys(siblings).some((f) => siblings[f] === k && value[f] !== undefined)));
  if (entries.length === 0) return <span className="muted">{t('common.none')}</span>;
  return (
    <dl className="kv">
      {entries.map(([k, v]) => {
        const coded = siblings[k] !== undefined ? value[siblings[k]] : undefined;
        let translated = coded !== undefined ? translatedNotes(i18n, v, coded) : undefined;
        // A verdict's English sentence beside its reason code (a finding's evidence): the code's row says it
        // in the reader's language, so the sentence is the engine's raw output, folded.
        const code = value.reasonCode;
        if (k === 'reason' && typeof v === 'string' && typeof code === 'string' && v !== code && reasonMessage(code, (x) => (isMessageKey(x) ? translate('id', x) : undefined)) !== undefined) {
          translated = <RawNote sentences={[v]} />;
        }
        return (
          <div key={k} className={nested(v) ? 'kv-nest' : undefined} data-key={k}>
            <dt><Label name={k} /></dt>
            <dd>{translated ?? <EvidenceValue value={v} name={k} />}</dd>
          </div>
        );
      })}
    </dl>
  );
}

/**
 * Evidence folded in a <details>: rendered only once opened (an asset has dozens of results), with the
 * engine's own English sentence under it for whoever compares with the command line's output.
 */
export function Evidence({ evidence, sentence, label }: { evidence: Readonly<Record<string, unknown>>; sentence?: string | null; label?: string }) {
  const { t } = useI18n();
  const [open, setOpen] = useState(false);
  return (
    <details className="evidence" onToggle={(e) => setOpen(e.currentTarget.open)} data-testid="evidence">
      <summary>{label ?? t('check.evidence')}</summary>
      {open && (
        <div className="evidence-body">
          <EvidenceValue value={evidence} />
          {sentence != null && sentence !== '' && <p className="engine-says"><span className="muted">{t('check.engineSays')}</span> <span lang="en">{sentence}</span></p>}
        </div>
      )}
    </details>
  );
}

/** A banner as stored (printable ASCII, other bytes as \xNN): escapes and line breaks marked, never mistaken for text. */
export function Banner({ text }: { text: string }) {
  const { t } = useI18n();
  const parts = bannerParts(text);
  return (
    <code className="banner" data-binary={binaryShare(parts) >= BINARY_SHARE ? 'yes' : 'no'}>
      {parts.map((p, i) => {
        if (p.kind === 'text') return <Fragment key={i}>{p.text}</Fragment>;
        if (p.kind === 'newline') return <Fragment key={i}><span className="esc" title={t('banner.newline')}>{'\u21b5'}</span><br /></Fragment>;
        return (
          <span key={i} className="esc" title={t('banner.byte', { code: p.code, n: p.count })}>
            {p.code}{p.count > 1 && <span className="esc-count">{`\u00d7${p.count}`}</span>}
          </span>
        );
      })}
    </code>
  );
}

/** Read once under a list of banners that has escapes: what the marks mean. */
export function BannerLegend() {
  const { t } = useI18n();
  return <p className="muted small banner-legend"><span className="esc">{'\\x00'}</span> {t('banner.legendByte')} <span className="esc">{'\u21b5'}</span> {t('banner.legendNewline')}</p>;
}

export function bannerHasEscapes(text: string | null): boolean {
  return text !== null && bannerParts(text).some((p) => p.kind !== 'text');
}

/** One verdict of a check on one port (port 0: about the whole host). */
export interface CheckResult {
  readonly check: string;
  readonly port: number;
  readonly state: string;
  readonly reasonCode: string | null;
  readonly reason: string | null;
  readonly evidence: Readonly<Record<string, unknown>> | null;
  readonly observedAt?: string;
}

function portText(t: ReturnType<typeof useI18n>['t'], ports: readonly number[], udp: boolean): string {
  if (ports.length === 1 && ports[0] === 0) return t('check.hostWide');
  const list = ports.filter((p) => p !== 0).join(', ');
  return udp ? t('check.portUdp', { port: list }) : t('check.port', { port: list });
}

/** Ports that gave one verdict for one reason: read as one line ("Port 139, 445"), each port's evidence apart. */
interface Line { readonly key: string; readonly state: string; readonly results: CheckResult[] }

function linesOf(results: readonly CheckResult[]): Line[] {
  const lines: Line[] = [];
  for (const r of results) {
    const key = `${r.state}|${r.reasonCode ?? r.reason ?? ''}`;
    const line = lines.find((l) => l.key === key);
    if (line === undefined) lines.push({ key, state: r.state, results: [r] });
    else line.results.push(r);
  }
  return lines;
}

/** A check's card: its title and worst verdict, the verdict and reason per port, evidence and the fix folded. */
export function CheckCard({ check, results, meta, level }: { check: string; results: readonly CheckResult[]; meta: CheckMeta | undefined; level: 3 | 4 }) {
  const { t, lang, fmtDate } = useI18n();
  const worst = worstState(results.map((r) => r.state));
  const Heading = level === 3 ? 'h3' : 'h4';
  const lines = linesOf(results);
  const udp = meta?.udp === true;
  // When every port's verdict comes from the same scan, say when once.
  const times = new Set(results.map((r) => r.observedAt));
  const once = times.size === 1 ? results[0]?.observedAt : undefined;
  const fix = meta !== undefined && (worst === 'vulnerable' || worst === 'likely-vulnerable');
  return (
    <article className={`check-card v-${worst}`} data-check={check} data-state={worst}>
      <div className="check-head">
        <Heading className="check-title">{meta !== undefined ? meta.title[lang] : <code>{check}</code>}</Heading>
        <Verdict state={worst} />
      </div>
      <ul className="check-results">
        {lines.map((l) => (
          <li key={l.key} data-ports={l.results.map((r) => r.port).join(',')} data-state={l.state}>
            <p className="check-line">
              <span className="check-port">{portText(t, l.results.map((r) => r.port), udp)}</span>
              {lines.length > 1 && <Verdict state={l.state} />}
              {once === undefined && l.results[0]?.observedAt !== undefined && <span className="muted small">{t('check.observedAt', { at: fmtDate(l.results[0].observedAt) })}</span>}
            </p>
            <p className="check-reason"><Reason code={l.results[0]?.reasonCode} sentence={l.results[0]?.reason} /></p>
            <div className="check-more">
              {l.results.map((r) => r.evidence !== null && (
                <Evidence key={r.port} evidence={r.evidence} sentence={r.reasonCode !== null ? r.reason : null} {...(l.results.length > 1 ? { label: t('check.evidencePort', { port: r.port }) } : {})} />
              ))}
            </div>
          </li>
        ))}
      </ul>
      {(once !== undefined || fix) && (
        <div className="check-foot">
          {once !== undefined && <span className="muted small">{t('check.observedAt', { at: fmtDate(once) })}</span>}
          {fix && (
            <details className="remedy">
              <summary>{t('check.remediation')}</summary>
              <p><Prose text={meta.remediation[lang]} /></p>
            </details>
          )}
        </div>
      )}
    </article>
  );
}

const RANK = ['vulnerable', 'likely-vulnerable', 'unknown', 'not-vulnerable'];

interface Group { readonly check: string; readonly results: CheckResult[]; readonly worst: string; readonly quiet: boolean }

/** Results grouped per check, worst first (then in the catalogue's order); `quiet`: nothing to act on. */
export function groupChecks(results: readonly CheckResult[], cat: Catalogue): Group[] {
  const by = new Map<string, CheckResult[]>();
  for (const r of results) {
    const list = by.get(r.check);
    if (list === undefined) by.set(r.check, [r]);
    else list.push(r);
  }
  const order = [...cat.keys()];
  const pos = (c: string) => (order.includes(c) ? order.indexOf(c) : order.length);
  return [...by].map(([check, rs]) => {
    const sorted = [...rs].sort((a, b) => a.port - b.port);
    const worst = worstState(sorted.map((r) => r.state));
    return { check, results: sorted, worst, quiet: worst === 'not-vulnerable' || sorted.every((r) => notApplicable(r.reasonCode)) };
  }).sort((a, b) => Number(a.quiet) - Number(b.quiet) || RANK.indexOf(a.worst) - RANK.indexOf(b.worst) || pos(a.check) - pos(b.check));
}

/** How many checks came out how (one badge per verdict), for a host's heading. */
export function VerdictCounts({ groups }: { groups: readonly Group[] }) {
  const { t } = useI18n();
  const counts = RANK.map((s) => [s, groups.filter((g) => g.worst === s).length] as const).filter(([, n]) => n > 0);
  return (
    <span className="verdict-counts">
      {counts.map(([s, n]) => <span key={s} className={`badge ${STATE_CLASS[s] ?? 'sev-unknown'}`} data-count={s}>{t(`check.count.${s}` as MessageKey, { n })}</span>)}
    </span>
  );
}

/** Every check of a host as cards: those to act on (vulnerable, unknown) open, the rest folded. */
export function CheckCards({ groups, cat, level }: { groups: readonly Group[]; cat: Catalogue; level: 3 | 4 }) {
  const { t } = useI18n();
  const loud = groups.filter((g) => !g.quiet);
  const quiet = groups.filter((g) => g.quiet);
  const card = (g: Group) => <CheckCard key={g.check} check={g.check} results={g.results} meta={cat.get(g.check)} level={level} />;
  return (
    <>
      {loud.length > 0 && <div className="check-grid">{loud.map(card)}</div>}
      {quiet.length > 0 && (
        <details className="more-checks">
          <summary>{t('check.quiet', { n: quiet.length })}</summary>
          <div className="check-grid">{quiet.map(card)}</div>
        </details>
      )}
    </>
  );
}
