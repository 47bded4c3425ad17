// CLI error codes. Each failure class maps to one documented exit code (README "Exit codes").

export const EXIT = {
  OK: 0,
  /** Unexpected internal error. */
  INTERNAL: 1,
  /** Bad usage or input: a malformed target, port, flag or file. Nothing was scanned. */
  USAGE: 2,
  /** A target lies outside the scan scope (or in the never-scan list). Nothing was scanned. */
  SCOPE: 3,
  /** The scan ran (or could not start) but results could not be written: disk full, permission, … */
  OUTPUT: 4,
  /** Interrupted (Ctrl-C / SIGTERM); what was found so far has been written. */
  INTERRUPTED: 130,
} as const;

export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

export const usageError = (m: string): CliError => new CliError(m, EXIT.USAGE);
