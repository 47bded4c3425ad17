// Names for the identifiers the API sends (check ids, scan profiles, alert topics), in
// the UI's language. The ids stay the API's contract (README "JSONL contract", src/domain/risk.ts,
// src/domain/scan-profile.ts, docs/alerts.md); people read these names instead. An id without a message
// is shown as it is, so a new check still appears (tests/web/i18n.test.ts keeps the lists complete).
import { isMessageKey } from './i18n';
import type { Lang, Translate } from './i18n';

/** A check's short name (`check.name.<id>`): engine checks and the exposure rules of findings. */
export function checkName(t: Translate, id: string): string {
  const key = `check.name.${id}`;
  return isMessageKey(key) ? t(key) : id;
}

/**
 * A finding's title. A check without a finding definition gets its own id as title in both languages
 * (definitionFor in src/domain/finding-signals.ts: smb-os-eol, netbios-ns); it is named here instead.
 */
export function findingTitle(t: Translate, lang: Lang, f: { readonly ruleId: string; readonly title: { readonly id: string; readonly en: string } }): string {
  return f.title.id === f.ruleId ? checkName(t, f.ruleId) : f.title[lang];
}

/** A scan profile (`sched.profile.<id>`, profiles of src/domain/scan-profile.ts). */
export function profileName(t: Translate, profile: string): string {
  const key = `sched.profile.${profile}`;
  return isMessageKey(key) ? t(key) : profile;
}

/**
 * An alert topic (`topic.<topic>`); a prefix pattern (`finding.*`) is `topic.<prefix>.any`. Null when
 * the topic has no name (typed by hand through the CLI): the caller shows it as code.
 */
export function topicName(t: Translate, topic: string): string | null {
  const key = topic.endsWith('.*') ? `topic.${topic.slice(0, -2)}.any` : `topic.${topic}`;
  return isMessageKey(key) ? t(key) : null;
}

/** The topics a rule can be built from in the form (docs/alerts.md "Alerts"). */
export const TOPICS = [
  'finding.opened', 'finding.reopened', 'finding.resolved', 'finding.exception', 'finding.exception-ended', 'finding.*',
  'change.host-new', 'change.host-gone', 'change.port-opened', 'change.port-closed', 'change.service-changed', 'change.check-changed', 'change.*',
  'incident.report-new', 'incident.clock-warning', 'incident.clock-breached', 'incident.phase-changed', 'incident.*',
  'circular.sent', 'circular.reminder', 'circular.escalation', 'circular.contradicted', 'circular.sitrep', 'circular.*',
  'worker.zone-unattended',
] as const;
