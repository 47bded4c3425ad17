// Playbooks as versioned data (docs/incidents.md "Playbooks"): ordered steps, each for one role, with a
// required flag, the earlier steps it must follow, an evidence prompt and its sources. A playbook is
// attached to an incident by conditions (classification, asset kind) — the shape of DFIR-IRIS's
// investigation flows (ordered, required steps, completion by whom/when/note) with what those lack: a
// role per step and a card per role that can be printed. Pure: validation, matching, step order, cards.

import { validationError } from './errors.js';
import { cleanText } from './incident.js';
import type { Text } from './incident.js';

export const PLAYBOOK_ROLES = ['reporter', 'agency-it', 'city-csirt'] as const;
export type PlaybookRole = (typeof PLAYBOOK_ROLES)[number];

export const PLAYBOOK_ROLE_LABELS: Readonly<Record<PlaybookRole, Text>> = {
  reporter: { id: 'Pelapor (petugas loket, perawat, staf)', en: 'Reporter (clerk, nurse, staff)' },
  'agency-it': { id: 'TI instansi (admin TI OPD/RSUD)', en: 'Agency IT (OPD/hospital IT officer)' },
  'city-csirt': { id: 'CSIRT kota (Diskominfo)', en: 'City CSIRT (Diskominfo)' },
};

/** What a step can start from the incident page. */
export const STEP_ACTIONS = ['scan-ransomware'] as const;
export type StepAction = (typeof STEP_ACTIONS)[number];

/** A fork inside one step: "if you see this, do that" (the reporter card's screen question). */
export interface StepBranch {
  readonly when: Text;
  readonly do: Text;
  /** Report symptoms that select this branch (the card marks it when the report named one of them). */
  readonly symptoms: readonly string[];
}

export interface PlaybookStep {
  /** Stable within the playbook (ticks refer to it across versions). */
  readonly id: string;
  readonly role: PlaybookRole;
  readonly title: Text;
  readonly detail: Text;
  readonly required: boolean;
  /** Steps (earlier in the list) that must be done before this one. */
  readonly after: readonly string[];
  /** What to record as evidence when ticking the step, if anything. */
  readonly evidence: Text | null;
  readonly action: StepAction | null;
  readonly branches: readonly StepBranch[];
  /** Keys into the playbook's sources. */
  readonly sources: readonly string[];
}

export interface PlaybookSource {
  readonly key: string;
  readonly title: string;
  readonly url: string | null;
}

export interface PlaybookConditions {
  /** Classifications that attach it; a trailing `*` matches a prefix (`malicious-code:*`). Empty = any. */
  readonly classifications: readonly string[];
  /** Asset kinds (see assetKinds) of which at least one linked asset must be; empty = any. */
  readonly assetKinds: readonly string[];
}

export interface PlaybookDefinition {
  /** Stable name of the playbook across versions, e.g. "ransomware-wannacry". */
  readonly key: string;
  readonly title: Text;
  readonly description: Text;
  readonly conditions: PlaybookConditions;
  readonly steps: readonly PlaybookStep[];
  readonly sources: readonly PlaybookSource[];
}

const KEY = /^[a-z0-9][a-z0-9-]{1,62}$/;

function text(v: Text | undefined | null, field: string, max: number, required = true): Text {
  const id = cleanText(v?.id, `${field}.id`, max, { required, multiline: true });
  const en = cleanText(v?.en, `${field}.en`, max, { required, multiline: true });
  return { id: id ?? '', en: en ?? '' };
}

/**
 * Check a playbook written in the editor: a key, texts in both languages, unique step ids, dependencies
 * only on earlier steps (so the order is a valid sequence and there is no cycle), known roles, actions
 * and source keys.
 */
export function validatePlaybook(def: PlaybookDefinition): PlaybookDefinition {
  if (typeof def?.key !== 'string' || !KEY.test(def.key)) throw validationError('key: lower-case letters, digits and dashes (2–63)', { field: 'key' });
  const sources: PlaybookSource[] = [];
  for (const [i, s] of (def.sources ?? []).entries()) {
    if (typeof s?.key !== 'string' || !KEY.test(s.key)) throw validationError(`sources[${i}].key: lower-case letters, digits and dashes`, { field: 'sources' });
    if (sources.some((x) => x.key === s.key)) throw validationError(`sources: key ${s.key} twice`, { field: 'sources' });
    const url = cleanText(s.url, `sources[${i}].url`, 500);
    if (url !== null && !/^https?:\/\/[^\s]+$/.test(url)) throw validationError(`sources[${i}].url: an http(s) address`, { field: 'sources' });
    sources.push({ key: s.key, title: cleanText(s.title, `sources[${i}].title`, 300, { required: true })!, url });
  }
  const steps: PlaybookStep[] = [];
  if (!Array.isArray(def.steps) || def.steps.length === 0) throw validationError('steps: at least one', { field: 'steps' });
  if (def.steps.length > 100) throw validationError('steps: at most 100', { field: 'steps' });
  for (const [i, s] of def.steps.entries()) {
    const f = `steps[${i}]`;
    if (typeof s?.id !== 'string' || !KEY.test(s.id)) throw validationError(`${f}.id: lower-case letters, digits and dashes`, { field: 'steps' });
    if (steps.some((x) => x.id === s.id)) throw validationError(`${f}.id: ${s.id} twice`, { field: 'steps' });
    if (!(PLAYBOOK_ROLES as readonly string[]).includes(s.role)) throw validationError(`${f}.role: one of ${PLAYBOOK_ROLES.join(', ')}`, { field: 'steps' });
    for (const a of s.after ?? []) {
      if (!steps.some((x) => x.id === a)) throw validationError(`${f}.after: ${a} is not an earlier step`, { field: 'steps' });
    }
    if (s.action != null && !(STEP_ACTIONS as readonly string[]).includes(s.action)) throw validationError(`${f}.action: one of ${STEP_ACTIONS.join(', ')}`, { field: 'steps' });
    for (const k of s.sources ?? []) if (!sources.some((x) => x.key === k)) throw validationError(`${f}.sources: unknown source ${k}`, { field: 'steps' });
    steps.push({
      id: s.id, role: s.role, title: text(s.title, `${f}.title`, 200), detail: text(s.detail, `${f}.detail`, 2000, false), required: s.required === true,
      after: [...new Set<string>(s.after ?? [])], evidence: s.evidence == null || (s.evidence.id ?? '') === '' ? null : text(s.evidence, `${f}.evidence`, 500),
      action: s.action ?? null,
      branches: (s.branches ?? []).map((b: StepBranch, j: number): StepBranch => ({ when: text(b.when, `${f}.branches[${j}].when`, 300), do: text(b.do, `${f}.branches[${j}].do`, 500), symptoms: [...(b.symptoms ?? [])] })),
      sources: [...(s.sources ?? [])],
    });
  }
  const pattern = /^[a-z-]+(:[a-z0-9-]+|:\*)?$|^\*$/;
  for (const c of def.conditions?.classifications ?? []) if (!pattern.test(c)) throw validationError(`conditions.classifications: ${JSON.stringify(c)} is not a classification or prefix*`, { field: 'conditions' });
  for (const k of def.conditions?.assetKinds ?? []) if (!KEY.test(k)) throw validationError(`conditions.assetKinds: ${JSON.stringify(k)}`, { field: 'conditions' });
  return {
    key: def.key, title: text(def.title, 'title', 200), description: text(def.description, 'description', 4000, false),
    conditions: { classifications: [...(def.conditions?.classifications ?? [])], assetKinds: [...(def.conditions?.assetKinds ?? [])] }, steps, sources,
  };
}

function classMatches(pattern: string, classification: string): boolean {
  if (pattern === '*') return true;
  return pattern.endsWith(':*') ? classification.startsWith(pattern.slice(0, -1)) : pattern === classification;
}

/** Does the playbook attach to an incident of this classification with these asset kinds? */
export function playbookMatches(c: PlaybookConditions, incident: { classification: string | null; assetKinds: readonly string[] }): boolean {
  if (c.classifications.length > 0 && (incident.classification === null || !c.classifications.some((p) => classMatches(p, incident.classification!)))) return false;
  if (c.assetKinds.length > 0 && !c.assetKinds.some((k) => incident.assetKinds.includes(k))) return false;
  return true;
}

/**
 * The kinds an inventory asset counts as for playbook conditions: its tags (e.g. "server", "simrs"), and
 * "windows" / "windows-eol" from the operating system the scan read, "smb" when it speaks SMB.
 */
export function assetKinds(a: { tags: readonly string[]; os: { name?: string; eol?: boolean } | null; smb: { dialects?: readonly string[] } | null }): string[] {
  const out = new Set(a.tags.map((t) => t.toLowerCase()));
  if (a.os?.name !== undefined && /windows/i.test(a.os.name)) out.add('windows');
  if (a.os?.eol === true) out.add('windows-eol');
  if (a.smb !== null) out.add('smb');
  return [...out];
}

export interface StepTick {
  readonly stepId: string;
  readonly doneBy: string;
  readonly doneAt: string;
  readonly note: string | null;
}

export type StepStatus = 'done' | 'ready' | 'blocked';

/** Each step's status given the ticks: done, ready (every step it must follow is done), blocked. */
export function stepStatuses(def: PlaybookDefinition, ticks: readonly StepTick[]): Map<string, StepStatus> {
  const done = new Set(ticks.map((t) => t.stepId));
  return new Map(def.steps.map((s) => [s.id, done.has(s.id) ? 'done' : s.after.every((a) => done.has(a)) ? 'ready' : 'blocked']));
}

/** Refuse a tick of an unknown, already done, or blocked step (naming what it waits for). */
export function assertCanTick(def: PlaybookDefinition, ticks: readonly StepTick[], stepId: string): PlaybookStep {
  const step = def.steps.find((s) => s.id === stepId);
  if (step === undefined) throw validationError(`stepId: ${stepId} is not a step of ${def.key}`, { field: 'stepId' });
  const status = stepStatuses(def, ticks).get(stepId);
  if (status === 'done') throw validationError(`stepId: ${stepId} is already done`, { field: 'stepId', reason: 'done' });
  if (status === 'blocked') {
    const waiting = step.after.filter((a) => !ticks.some((t) => t.stepId === a));
    throw validationError(`stepId: ${stepId} must follow ${waiting.join(', ')}`, { field: 'stepId', reason: 'blocked', waiting: waiting.join(',') });
  }
  return step;
}

/** The playbook's required steps are all done. */
export function requiredDone(def: PlaybookDefinition, ticks: readonly StepTick[]): boolean {
  const done = new Set(ticks.map((t) => t.stepId));
  return def.steps.every((s) => !s.required || done.has(s.id));
}

export interface RoleCard {
  readonly playbookKey: string;
  readonly role: PlaybookRole;
  readonly roleLabel: Text;
  readonly title: Text;
  readonly steps: readonly {
    readonly n: number;
    readonly id: string;
    readonly title: Text;
    readonly detail: Text;
    readonly required: boolean;
    readonly evidence: Text | null;
    readonly branches: readonly (StepBranch & { readonly applies: boolean })[];
    readonly sources: readonly string[];
  }[];
  readonly sources: readonly PlaybookSource[];
}

/**
 * The step card of one role (what the reporter gets right after submitting, and what the PDF of each
 * role prints): that role's steps in order, numbered from 1, with the branches that the report's
 * symptoms select marked, and only the sources those steps cite.
 */
export function roleCard(def: PlaybookDefinition, role: PlaybookRole, symptoms: readonly string[] = []): RoleCard {
  const steps = def.steps.filter((s) => s.role === role).map((s, i) => ({
    n: i + 1, id: s.id, title: s.title, detail: s.detail, required: s.required, evidence: s.evidence,
    branches: s.branches.map((b) => ({ ...b, applies: b.symptoms.some((x) => symptoms.includes(x)) })), sources: s.sources,
  }));
  const cited = new Set(steps.flatMap((s) => s.sources));
  return { playbookKey: def.key, role, roleLabel: PLAYBOOK_ROLE_LABELS[role], title: def.title, steps, sources: def.sources.filter((s) => cited.has(s.key)) };
}
