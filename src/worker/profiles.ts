// Scan profiles a job can name (scan_jobs.profile): which checks the worker runs after the port stage.
// Kept as data so a schedule says "ransomware" rather than a list of check ids (issue 4 item 5).

import { selectChecks } from '../engine/checks/registry.js';

export interface Profile {
  readonly checks: readonly string[];
  /** Grab banners on open ports (service names for change detection's service-changed). */
  readonly banners: boolean;
  readonly description: string;
}

export const PROFILES: Readonly<Record<string, Profile>> = {
  ports: { checks: [], banners: false, description: 'ports only (open/closed), service named from the port number' },
  ransomware: { checks: ['ransomware'], banners: true, description: 'ports + banners + the SMB/RDP ransomware checks (MS17-010, DoublePulsar, SMBv1, signing, RDP)' },
};

export function profileBanners(profile: string): boolean {
  return PROFILES[profile]?.banners ?? false;
}

export function profileChecks(profile: string): readonly string[] {
  return PROFILES[profile]?.checks ?? [];
}

/** The check ids a profile runs (recorded on each job: scans are compared only where both looked). */
export function profileCheckIds(profile: string): string[] {
  const selectors = profileChecks(profile);
  return selectors.length === 0 ? [] : selectChecks(selectors).map((c) => c.meta.id);
}
