// Scan profiles a job can name (scan_jobs.profile): which checks the worker runs after the port stage.
// Kept as data so a schedule says "ransomware" rather than a list of check ids. The scheduler, the worker,
// the API and the CLI all read this one table; the check ids a profile resolves to are recorded on each job
// when it is created (src/scheduler/jobs.ts), so the checks registry stays out of the domain.

export interface Profile {
  /** Check selectors (ids or tags) for the engine's check registry. */
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
