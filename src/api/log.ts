// The log of `perisai serve` and `perisai worker` (docs/deploy.md, "The log"): pino, the logger Fastify is
// built on, one line per event — JSON objects (for journald, Loki, jq) or a short readable line (a terminal).
//
// What a line may carry is decided here, not at each call: requests are logged through `requestLine` (method,
// route, path without query, status, duration, client address, user), never their headers or bodies; errors
// through `errorFields` (type, code, message, stack). On top of that, as a second fence: the paths of
// `REDACT` are censored in any object logged, and text that has the shape of a credential (a cookie or
// Authorization value, a Telegram bot token, a `token=`/`secret=`/`password=` parameter, a URL's user info)
// is masked in every message and error (OWASP Logging Cheat Sheet, "Data to exclude").

import pino from 'pino';
import type { Logger } from 'pino';
import type { FastifyReply, FastifyRequest } from 'fastify';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];
export const LOG_FORMATS = ['json', 'pretty'] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

const CENSOR = '[redacted]';

/** Object paths censored wherever they occur in a logged object (pino redaction; `*` = any key). */
export const REDACT: readonly string[] = [
  'headers.authorization', 'headers.cookie', 'headers["set-cookie"]', 'headers["x-csrf-token"]', 'headers["x-circular-token"]', 'headers["x-report-token"]',
  '*.headers.authorization', '*.headers.cookie', '*.headers["set-cookie"]', '*.headers["x-csrf-token"]', '*.headers["x-circular-token"]', '*.headers["x-report-token"]',
  ...['password', 'currentPassword', 'newPassword', 'oneTimePassword', 'passwordHash', 'secret', 'token', 'botToken', 'csrfToken', 'cookie', 'authorization', 'apiKey']
    .flatMap((k) => [k, `*.${k}`]),
];

/** Credential-shaped text, masked in messages and error texts (see the header). */
const SECRET_TEXT: readonly [RegExp, string][] = [
  [/\b(perisai_session|perisai_csrf)=[^;,\s]+/gi, `$1=${CENSOR}`],
  [/\b(authorization|cookie|x-csrf-token|x-circular-token|x-report-token)(["']?\s*[:=]\s*["']?)[^"',\s]+(?:\s+[^"',\s]+)?/gi, `$1$2${CENSOR}`],
  [/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{8,}/g, `$1 ${CENSOR}`],
  [/\bbot\d{5,}:[A-Za-z0-9_-]{20,}/g, `bot${CENSOR}`],
  [/\b\d{5,}:[A-Za-z0-9_-]{30,}\b/g, CENSOR],
  [/([?&;\s"]|^)((?:[a-z_]*token|secret|password|passwd|api[_-]?key)["']?\s*[=:]\s*["']?)[^&\s"',;]+/gi, `$1$2${CENSOR}`],
  [/(\b[a-z][a-z0-9+.-]*:\/\/)[^/@\s:]+:[^/@\s]+@/gi, `$1${CENSOR}@`],
];

/** `text` with every credential-shaped part masked. */
export function scrub(text: string): string {
  let out = text;
  for (const [re, by] of SECRET_TEXT) out = out.replace(re, by);
  return out;
}

/** What an error contributes to a line: its kind, code, message and stack, scrubbed; nothing else it carries. */
export function errorFields(e: unknown): { type: string; message: string; code?: string; stack?: string } {
  if (!(e instanceof Error)) return { type: typeof e, message: scrub(String(e)) };
  const code = (e as { code?: unknown }).code;
  return {
    type: e.name,
    message: scrub(e.message),
    ...(typeof code === 'string' ? { code } : {}),
    ...(e.stack !== undefined ? { stack: scrub(e.stack) } : {}),
  };
}

/** The fields of one request's line: no header, no body, no query string. */
export function requestLine(request: FastifyRequest, reply: FastifyReply): Record<string, unknown> {
  return {
    method: request.method,
    route: request.routeOptions.url ?? null,
    path: request.url.split('?')[0],
    status: reply.statusCode,
    durationMs: Math.round(reply.elapsedTime * 10) / 10,
    ip: request.ip,
    ...(request.user !== undefined && request.user !== null ? { user: request.user.username } : {}),
  };
}

const LEVEL_NAMES: Readonly<Record<number, string>> = { 10: 'TRACE', 20: 'DEBUG', 30: 'INFO', 40: 'WARN', 50: 'ERROR', 60: 'FATAL' };
/** Fields the pretty line shows in its own place or not at all. */
const PRETTY_SKIP = new Set(['level', 'time', 'msg', 'pid', 'hostname', 'err', 'reqId', 'method', 'path', 'status', 'durationMs', 'route']);

/**
 * One JSON line as a short readable one:
 *   2026-01-05T01:00:00.000Z INFO  request GET /api/v1/agencies 200 3.1ms reqId=… ip=127.0.0.1
 * then the error's stack, indented, when there is one.
 */
export function prettyLine(json: string): string {
  let o: Record<string, unknown>;
  try {
    o = JSON.parse(json) as Record<string, unknown>;
  } catch {
    return json.endsWith('\n') ? json : `${json}\n`;
  }
  const level = typeof o.level === 'number' ? (LEVEL_NAMES[o.level] ?? String(o.level)) : String(o.level ?? '').toUpperCase();
  const parts = [String(o.time ?? ''), level.padEnd(5), String(o.msg ?? '')];
  if (o.method !== undefined) parts.push(`${String(o.method)} ${String(o.path ?? o.route ?? '')}`);
  if (o.status !== undefined) parts.push(String(o.status));
  if (o.durationMs !== undefined) parts.push(`${String(o.durationMs)}ms`);
  if (o.reqId !== undefined) parts.push(`reqId=${String(o.reqId)}`);
  for (const [k, v] of Object.entries(o)) if (!PRETTY_SKIP.has(k)) parts.push(`${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`);
  const err = o.err as { stack?: string; message?: string } | undefined;
  const tail = err === undefined ? '' : `\n    ${(err.stack ?? err.message ?? '').split('\n').join('\n    ')}`;
  return `${parts.filter((p) => p !== '').join(' ')}${tail}\n`;
}

export interface LoggerOptions {
  readonly level?: LogLevel;
  readonly format?: LogFormat;
  /** Where lines go (default: standard error, written synchronously so that nothing is lost at a crash). */
  readonly write?: (line: string) => void;
}

/** The logger of serve and worker: levels as names, ISO times, redaction and scrubbing as described above. */
export function createLogger(opts: LoggerOptions = {}): Logger {
  const format = opts.format ?? 'json';
  const sink = opts.write ?? ((line: string) => void process.stderr.write(line));
  const destination = format === 'pretty' || opts.write !== undefined
    ? { write: (line: string) => sink(format === 'pretty' ? prettyLine(line) : line) }
    : pino.destination({ fd: 2, sync: true });
  return pino({
    level: opts.level ?? 'info',
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
    redact: { paths: [...REDACT], censor: CENSOR },
    serializers: { err: errorFields, error: errorFields },
    hooks: {
      // Every message text is scrubbed, whichever call wrote it (Fastify's own lines included).
      logMethod(args, method) {
        method.apply(this, args.map((a) => (typeof a === 'string' ? scrub(a) : a)) as Parameters<typeof method>);
      },
    },
  }, destination);
}

/**
 * The background components (worker, scheduler, alert dispatcher, sweeps) log text lines; as log lines of
 * `component`, a line that reports a failure is a warning, any other one information.
 */
export function lineLogger(logger: Logger, component: string): (line: string) => void {
  const child = logger.child({ component });
  return (line) => {
    if (/\b(failed|failure|error|dead-lettered|lost|ignored|gagal)\b/i.test(line)) child.warn(line);
    else child.info(line);
  };
}
