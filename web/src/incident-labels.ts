// Names for the incident identifiers the API sends (phases, statuses, classifications, sectors, clock
// states, timeline kinds …) in the UI's language. An id without a message is shown as it is, so the
// Indonesian walk (tests/web/walk.test.ts) reports it instead of hiding it.
import { isMessageKey } from './i18n';
import type { Translate } from './i18n';

/** `t(prefix + value)` when the dictionaries name it, else the value itself. */
export function named(t: Translate, prefix: string, value: string | null | undefined): string {
  if (value === null || value === undefined || value === '') return t('common.none');
  const key = `${prefix}${value}`;
  return isMessageKey(key) ? t(key) : value;
}

/** The incident pages' base path and its sub-pages (web/src/App.tsx routes them). */
export const INCIDENTS = '/incidents';
export const REPORTS = '/incidents/reports';
export const INCIDENT_SETTINGS = '/incidents/settings';
export const PLAYBOOKS = '/playbooks';
