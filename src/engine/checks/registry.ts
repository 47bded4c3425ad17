// The check registry: every check in one list, and selection by id, tag or category
// (nmap-style: `ms17-010`, `smb`, `rdp`, `netbios`, `ransomware` (= all), `vuln`, `malware`,
// `discovery`, `safe`, `default`). A selector that names nothing is an error, never silently empty.

import { doublepulsarCheck } from './doublepulsar.js';
import { ms17010Check } from './ms17-010.js';
import { netbiosNsCheck } from './netbios-ns.js';
import { rdpExposedCheck } from './rdp-exposed.js';
import { smbOsEolCheck } from './smb-os-eol.js';
import { smbSigningCheck } from './smb-signing.js';
import { smbv1Check } from './smbv1.js';
import type { Category, Check, CheckId, CheckMeta, CheckTag, ProbeNeeds } from './types.js';
import type { Smb1Depth } from '../probes/smb1-chain.js';

export const ALL_CHECKS: readonly Check[] = Object.freeze([
  smbv1Check,
  smbSigningCheck,
  ms17010Check,
  doublepulsarCheck,
  smbOsEolCheck,
  rdpExposedCheck,
  netbiosNsCheck,
]);

export const CHECK_IDS: readonly CheckId[] = ALL_CHECKS.map((c) => c.meta.id);
const TAGS: readonly CheckTag[] = ['smb', 'rdp', 'netbios', 'ransomware'];
const CATEGORIES: readonly Category[] = ['safe', 'vuln', 'malware', 'discovery', 'default', 'intrusive'];

export class CheckSelectionError extends Error {
  constructor(readonly selector: string) {
    super(`unknown check selector "${selector}": use a check id (${CHECK_IDS.join(', ')}), a tag (${TAGS.join(', ')}) or a category (${CATEGORIES.join(', ')})`);
    this.name = 'CheckSelectionError';
  }
}

/** Checks matching any selector, in registry order, without duplicates. Throws CheckSelectionError. */
export function selectChecks(selectors: readonly string[]): Check[] {
  const chosen = new Set<Check>();
  for (const raw of selectors) {
    const s = raw.trim().toLowerCase();
    if (s === '') continue;
    const matches = ALL_CHECKS.filter(
      (c) => c.meta.id === s || (c.meta.tags as readonly string[]).includes(s) || (c.meta.categories as readonly string[]).includes(s),
    );
    if (matches.length === 0 && !(CATEGORIES as readonly string[]).includes(s)) throw new CheckSelectionError(raw);
    for (const m of matches) chosen.add(m);
  }
  return ALL_CHECKS.filter((c) => chosen.has(c));
}

export function listCheckMeta(): CheckMeta[] {
  return ALL_CHECKS.map((c) => c.meta);
}

const DEPTH_RANK: Record<Smb1Depth, number> = { negotiate: 0, session: 1, peek: 2, ping: 3 };

/** Union of what the selected checks need from the probes. */
export function mergeNeeds(checks: readonly Check[]): ProbeNeeds {
  let smb1: Smb1Depth | undefined;
  const out = { smb2: false, smb2Dialects: false, ntlm: false, nbns: false, rdp: false };
  for (const c of checks) {
    const n = c.needs;
    if (n.smb1 && (smb1 === undefined || DEPTH_RANK[n.smb1] > DEPTH_RANK[smb1])) smb1 = n.smb1;
    out.smb2 ||= n.smb2 ?? false;
    out.smb2Dialects ||= n.smb2Dialects ?? false;
    out.ntlm ||= n.ntlm ?? false;
    out.nbns ||= n.nbns ?? false;
    out.rdp ||= n.rdp ?? false;
  }
  return { ...out, ...(smb1 ? { smb1 } : {}) };
}
