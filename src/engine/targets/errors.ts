// Typed errors of the targets module. Every user-facing parse failure in this folder is one of
// these, so the CLI can print `err.message` verbatim and tests can assert on `err.token`.

/** Where a token came from when it was read from a file (`-iL`, `--exclude-file`, scope file). */
export interface TokenSource {
  readonly file: string;
  /** 1-based line number. */
  readonly line: number;
}

/** A target, exclude or scope specification that cannot be used. `token` is the offending text. */
export class TargetSpecError extends Error {
  override readonly name = 'TargetSpecError';
  readonly token: string;
  readonly source: TokenSource | undefined;

  constructor(token: string, message: string, source?: TokenSource) {
    super(source ? `${source.file}:${source.line}: ${message}` : message);
    this.token = token;
    this.source = source;
  }
}

/** A port specification that cannot be used. `token` is the offending list item. */
export class PortSpecError extends Error {
  override readonly name = 'PortSpecError';
  readonly token: string;

  constructor(token: string, message: string) {
    super(message);
    this.token = token;
  }
}

/** Quote a token for an error message: JSON escaping keeps control characters visible. */
export function quote(token: string): string {
  const shown = token.length > 80 ? `${token.slice(0, 77)}...` : token;
  return JSON.stringify(shown).replace(/^"|"$/g, "'");
}
