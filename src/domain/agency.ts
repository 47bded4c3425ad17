// Agencies and their hierarchy, shaped like Indonesian local government:
// Pemerintah Kota/Kabupaten → Perangkat Daerah (OPD: dinas, badan, sekretariat, kecamatan) → units
// (UPT/UPTD, RSUD, puskesmas, schools, kelurahan offices). A province can sit on top when a provincial
// Diskominfo runs the platform for its cities. The hierarchy mirrors CISA CyHy's RequestDoc `children`
// (cyhy-core): every agency has at most one parent, reports roll up, and an agency's scope (what its
// users may see) is itself plus all its descendants.

import { validationError } from './errors.js';

export const AGENCY_KINDS = [
  'province', // Pemerintah Provinsi
  'city', // Pemerintah Kota / Kabupaten (the Diskominfo's own government)
  'opd', // Organisasi Perangkat Daerah: dinas, badan, sekretariat
  'kecamatan', // district office (a perangkat daerah itself; parent of kelurahan)
  'kelurahan', // village/urban-ward office
  'hospital', // RSUD
  'puskesmas', // community health centre
  'school', // SD/SMP/SMA/SMK
  'upt', // UPT/UPTD and other technical units
  'other',
] as const;
export type AgencyKind = (typeof AGENCY_KINDS)[number];

/**
 * Which kinds may be the parent of which. Deliberately permissive for units (a school may hang off the
 * education office or directly off the city when the city registers it that way) but strict about the
 * top: only a province or a city can be a root, and a city only sits under a province.
 */
export const ALLOWED_PARENTS: Readonly<Record<AgencyKind, readonly (AgencyKind | null)[]>> = {
  province: [null],
  city: [null, 'province'],
  opd: ['city', 'province'],
  kecamatan: ['city'],
  kelurahan: ['kecamatan', 'city'],
  hospital: ['opd', 'city', 'province'],
  puskesmas: ['opd', 'kecamatan', 'city'],
  school: ['opd', 'city', 'province'],
  upt: ['opd', 'city', 'province'],
  other: ['opd', 'city', 'province', 'kecamatan', 'upt', 'hospital', 'school', 'puskesmas', 'kelurahan'],
};

export interface Agency {
  readonly id: string;
  readonly parentId: string | null;
  readonly kind: AgencyKind;
  /** Short unique code used in reports and CSV imports, e.g. "DINKES", "RSUD-KOTA", "SMPN-3". */
  readonly code: string;
  readonly name: string;
  readonly notes: string | null;
  readonly retiredAt: string | null;
  readonly createdAt: string;
  readonly updatedAt: string;
}

export interface AgencyInput {
  readonly parentId?: string | null;
  readonly kind: AgencyKind;
  readonly code: string;
  readonly name: string;
  readonly notes?: string | null;
}

const CODE = /^[A-Z0-9][A-Z0-9._-]{0,39}$/;

/** Codes are stored upper-case; "dinkes" and "DINKES" are the same agency. */
export function normalizeAgencyCode(code: string): string {
  return code.trim().toUpperCase();
}

export function validateAgencyInput(input: AgencyInput): AgencyInput & { code: string; name: string } {
  if (!(AGENCY_KINDS as readonly string[]).includes(input.kind)) {
    throw validationError(`kind: ${JSON.stringify(input.kind)} is not one of ${AGENCY_KINDS.join(', ')}`, { field: 'kind' });
  }
  const code = normalizeAgencyCode(input.code ?? '');
  if (!CODE.test(code)) {
    throw validationError(`code: ${JSON.stringify(input.code)} must be 1–40 characters of A–Z, 0–9, '.', '_' or '-' starting with a letter or digit`, { field: 'code' });
  }
  const name = (input.name ?? '').trim();
  if (name.length === 0 || name.length > 200) throw validationError('name: must be 1–200 characters', { field: 'name' });
  return { ...input, code, name };
}

/** Refuse a parent of the wrong kind ("a city under a school"). */
export function checkParentKind(kind: AgencyKind, parentKind: AgencyKind | null): void {
  if (!ALLOWED_PARENTS[kind].includes(parentKind)) {
    const allowed = ALLOWED_PARENTS[kind].map((k) => k ?? '(none: a root)').join(', ');
    throw validationError(`a ${kind} cannot be placed under ${parentKind === null ? 'nothing (as a root)' : `a ${parentKind}`}; allowed parents: ${allowed}`, { field: 'parentId' });
  }
}

/**
 * Moving `id` under `newParentId` must not create a cycle: the new parent may not be `id` itself or one
 * of its descendants. `parentOf` walks upward from the new parent.
 */
export function wouldCreateCycle(id: string, newParentId: string | null, parentOf: (id: string) => string | null | undefined): boolean {
  const seen = new Set<string>();
  for (let cur: string | null | undefined = newParentId; cur !== null && cur !== undefined; cur = parentOf(cur)) {
    if (cur === id) return true;
    if (seen.has(cur)) return true; // an existing cycle: refuse rather than loop
    seen.add(cur);
  }
  return false;
}

/** Descendants of `rootId` (excluding it) in breadth-first order, from a parent-pointer list. */
export function descendantsOf(agencies: Iterable<{ id: string; parentId: string | null }>, rootId: string): string[] {
  const children = new Map<string, string[]>();
  for (const a of agencies) {
    if (a.parentId === null) continue;
    const list = children.get(a.parentId);
    if (list === undefined) children.set(a.parentId, [a.id]);
    else list.push(a.id);
  }
  const out: string[] = [];
  const seen = new Set([rootId]);
  const queue = [rootId];
  for (let i = 0; i < queue.length; i++) {
    for (const c of children.get(queue[i]!) ?? []) {
      if (seen.has(c)) continue;
      seen.add(c);
      out.push(c);
      queue.push(c);
    }
  }
  return out;
}
