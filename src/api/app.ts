// buildApp: the HTTP API of Perisai's web application, as a
// Fastify instance that tests drive with `app.inject()` and `perisai serve` binds to a port.
//
//   const app = await buildApp({ store });
//   await app.listen({ port: 8080, host: '127.0.0.1' });
//
// Layout: versioned routes under /api/v1, OpenAPI at /api/docs (UI) and /api/docs/json; one access
// plugin (access.ts) decides authentication, role, agency scope, CSRF and audit for every route; one
// error handler (errors.ts) turns anything thrown into `{ error: { code, message, messageId } }`.

import { randomUUID } from 'node:crypto';
import { setTimeout as sleepMs } from 'node:timers/promises';
import Fastify, { LogController } from 'fastify';
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import cookie from '@fastify/cookie';
import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { TaskQueue } from '../queue/queue.js';
import { defaultDataDir } from '../store/index.js';
import type { Store } from '../store/index.js';
import { DEFAULT_SESSION_POLICY, registerAccess } from './access.js';
import type { RouteEntry, SessionPolicy } from './access.js';
import { ApiError, body, controlCharacterError, nonFiniteError, nonFiniteField, STATUS, toApiError } from './errors.js';
import { alertRoutes } from './routes/alerts.js';
import { authRoutes } from './routes/auth.js';
import { DEFAULT_LOGIN_THROTTLE } from './login-throttle.js';
import type { LoginThrottle } from './login-throttle.js';
import { checkRoutes } from './routes/checks.js';
import { findingRoutes } from './routes/findings.js';
import { inventoryRoutes } from './routes/inventory.js';
import { reportRoutes } from './routes/reports.js';
import { reportCardRoutes } from './routes/report-cards.js';
import { scanRoutes } from './routes/scans.js';
import { workerRoutes } from './routes/workers.js';
import { agentRoutes } from './routes/agent.js';
import { scheduleRoutes } from './routes/schedules.js';
import { DEFAULT_SCAN_BRAKES } from '../domain/scan-brakes.js';
import type { ScanBrakes } from '../domain/scan-brakes.js';
import { userRoutes } from './routes/users.js';
import { ErrorBody } from './schemas.js';
import { requestLine } from './log.js';
import { registerIncidentApi } from './incident-api.js';
import { registerCircularApi } from './circular-api.js';
import type { CircularApiDeps } from './circular-api.js';
import type { IncidentApiDeps } from './incident-api.js';

export interface AppDeps {
  readonly store: Store;
  readonly clock?: () => Date;
  /**
   * A pino logger (log.ts createLogger: redaction, one line per request with its id, route, status and
   * duration, each 5xx's cause), or false/undefined for none (tests; failures then go to `errorLog`).
   */
  readonly logger?: FastifyBaseLogger | boolean;
  readonly session?: Partial<SessionPolicy>;
  /** Login throttling (login-throttle.ts): per (account, client) locks and per account/address slowdown. */
  readonly loginThrottle?: Partial<LoginThrottle>;
  /** How the login slowdown waits (default a timer; tests advance their clock instead). */
  readonly sleep?: (ms: number) => Promise<void>;
  /** Maximum request body (default 1 MiB). */
  readonly bodyLimit?: number;
  /**
   * Requests per client address and window, for every route (defence in depth against floods and
   * scraping; logins have their own persistent throttle, login-throttle.ts). Sized for a whole office
   * behind one NAT address: default DEFAULT_RATE_LIMIT (12,000 a minute); false = off. Keyed on
   * `request.ip`, the real client behind a trusted proxy.
   */
  readonly rateLimit?: { readonly max: number; readonly timeWindowMs: number } | false;
  /**
   * Behind a TLS-terminating proxy: the proxies' addresses or CIDR blocks (transport.ts parseTrustProxy)
   * whose X-Forwarded-Proto/For are believed, so that `request.protocol` is https there (Secure cookie,
   * HSTS) and `request.ip` is the client's. Never "everyone".
   */
  readonly trustProxy?: readonly string[];
  /** Serve HTTPS directly with this PEM certificate (chain) and key (transport.ts loadTls checks them). */
  readonly https?: { readonly cert: Buffer | string; readonly key: Buffer | string };
  /**
   * Where started scans' tasks are announced (pg-boss on PostgreSQL). Absent: the task rows are the queue
   * (the embedded LocalQueue, whose publish is a no-op).
   */
  readonly queue?: TaskQueue;
  /**
   * Where a failed request is written when no logger is given (default: one line on stderr, as `perisai
   * serve` logs): the client's message promises that the request id finds it in the log.
   */
  readonly errorLog?: (line: string) => void;
  /** Live scan progress stream: poll interval and the longest a stream stays open (tests shorten them). */
  readonly scanEvents?: { readonly intervalMs?: number; readonly maxStreamMs?: number };
  /** Incident reports (docs/incidents.md): where photos are stored, and the public form's limits. */
  readonly incidents?: Omit<IncidentApiDeps, 'store' | 'clock' | 'queue'>;
  /** Circulars (docs/circulars.md): evidence size, the link page's rate, the board stream's interval. Evidence is stored in the incidents' data directory. */
  readonly circulars?: Omit<CircularApiDeps, 'store' | 'clock' | 'queue' | 'dataDir'>;
  /** Brakes on scan traffic (domain/scan-brakes.ts): schedules' minimum interval, the probes above which a scan needs an administrator's confirmation. */
  readonly scanBrakes?: ScanBrakes;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Every route registered, with its access declaration (the authorisation tests iterate it). */
    readonly routeTable: readonly RouteEntry[];
  }
}

/** The Content-Security-Policy (helmet adds its defaults: base-uri, object-src 'none', script-src-attr 'none' …). */
const CSP_DIRECTIVES = { defaultSrc: ["'self'"], scriptSrc: ["'self'"], styleSrc: ["'self'", "'unsafe-inline'"], imgSrc: ["'self'", 'data:'], frameAncestors: ["'none'"], formAction: ["'self'"] };
/** One year, subdomains included (RFC 6797 §6.1); sent over TLS only. */
export const HSTS = 'max-age=31536000; includeSubDomains';

/**
 * The per-address ceiling: 200 people behind one NAT address working in the web application at about 30
 * requests a minute each, twice over. `perisai serve --rate-limit` changes it.
 */
export const DEFAULT_RATE_LIMIT = { max: 12_000, timeWindowMs: 60_000 } as const;

/** A client-supplied request id is kept when it is short and harmless (for correlating with a proxy's log). */
function requestId(header: string | string[] | undefined): string {
  return typeof header === 'string' && /^[A-Za-z0-9._-]{1,64}$/.test(header) ? header : randomUUID();
}

export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const clock = deps.clock ?? (() => new Date());
  const policy: SessionPolicy = { ...DEFAULT_SESSION_POLICY, ...deps.session };
  const throttle: LoginThrottle = { ...DEFAULT_LOGIN_THROTTLE, ...deps.loginThrottle };
  const logged = typeof deps.logger === 'object' || deps.logger === true;
  const app = Fastify({
    ...(typeof deps.logger === 'object' ? { loggerInstance: deps.logger } : { logger: deps.logger ?? false }),
    // One line per request, written below (log.ts requestLine: no header, body or query string), instead
    // of Fastify's two lines that carry the raw URL.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: deps.bodyLimit ?? 1024 * 1024,
    genReqId: (req) => requestId(req.headers['x-request-id']),
    trustProxy: deps.trustProxy !== undefined && deps.trustProxy.length > 0 ? [...deps.trustProxy] : false,
    ...(deps.https !== undefined ? { https: { cert: deps.https.cert, key: deps.https.key } } : {}),
    // Ajv: reject unknown body properties instead of silently dropping them only where a schema says
    // additionalProperties: false; coerce query strings (text) to the declared scalar types, but never
    // unwrap an array into a scalar (with 'array' coercion ["x"] passed a nullable string's union as an
    // array and reached the store); every error, so a form can show each bad field at once.
    ajv: { customOptions: { removeAdditional: false, coerceTypes: true, useDefaults: true, allErrors: true } },
  });

  app.addSchema(ErrorBody);

  // One error handler for everything, including what fastify itself raises (validation, body limit,
  // JSON syntax) and what the store throws (PerisaiError).
  app.setErrorHandler((err, request, reply) => {
    const { error, internal } = toApiError(err);
    if (internal) {
      // The cause, once, under the request id the client is told to quote (the request line follows).
      if (logged) request.log.error({ err, method: request.method, route: request.routeOptions.url ?? null, path: request.url.split('?')[0], code: error.code }, 'request failed');
      else (deps.errorLog ?? ((line: string) => void process.stderr.write(line)))(`perisai: request ${request.id} ${request.method} ${request.url.split('?')[0]} failed (${error.code}): ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    }
    for (const [k, v] of Object.entries(error.headers)) void reply.header(k, v);
    return reply.code(STATUS[error.code]).type('application/json; charset=utf-8').send(body(error));
  });
  if (logged) {
    app.addHook('onResponse', async (request, reply) => {
      const line = requestLine(request, reply);
      // Liveness probes every few seconds would drown the rest: their successes are debug lines.
      const level = reply.statusCode >= 500 ? 'error' : request.routeOptions.url === '/api/v1/health' && reply.statusCode < 400 ? 'debug' : 'info';
      request.log[level](line, 'request');
    });
  }
  // After validation: a number Ajv let through that no handler can use (1e309 → Infinity) is a 400, and so
  // is a string holding a control character (src/domain/text.ts: NUL, ESC … are refused on the way in).
  app.addHook('preHandler', async (request) => {
    const bad = nonFiniteField(request.query, 'querystring') ?? nonFiniteField(request.body, 'body');
    if (bad !== undefined) throw nonFiniteError(bad);
    const control = controlCharacterError(request.params, 'params') ?? controlCharacterError(request.query, 'querystring') ?? controlCharacterError(request.body, 'body');
    if (control !== undefined) throw control;
  });
  app.setNotFoundHandler((request, reply) =>
    reply.code(404).send(body(new ApiError('E_NOT_FOUND', { en: `No such endpoint: ${request.method} ${request.url.split('?')[0]}`, id: 'Alamat tidak ditemukan' }))),
  );

  await app.register(helmet, {
    // The API serves JSON and the documentation UI (self-hosted scripts and styles); nothing is framed.
    // upgrade-insecure-requests and HSTS are added below, for requests that arrived over TLS only.
    contentSecurityPolicy: {
      directives: { ...CSP_DIRECTIVES, upgradeInsecureRequests: null },
    },
    strictTransportSecurity: false,
    crossOriginOpenerPolicy: false,
  });
  // Over plain HTTP (the office LAN set-up: http://perisai.lan:8080/), `upgrade-insecure-requests` makes the
  // browser fetch the page's own scripts and styles over https, which nothing answers: a blank page
  // (CSP Level 3 upgrade-insecure-requests §4.1; browsers exempt only localhost/127.0.0.1). HSTS must not
  // be sent over plain HTTP at all (RFC 6797 §7.2) and would lock the name to https for a year. Both are
  // sent when the request came over TLS: directly, or from a trusted proxy saying X-Forwarded-Proto: https
  // (fastify's request.protocol honours that header only with trustProxy, for the listed addresses).
  // Cross-Origin-Opener-Policy likewise: browsers ignore it on an origin that is not potentially
  // trustworthy (HTML Standard §7.1.3 "obtain a cross-origin opener policy") and log an error on every
  // page load saying so; over TLS it applies.
  app.addHook('onRequest', async (request, reply) => {
    if (request.protocol !== 'https') return;
    const csp = reply.raw.getHeader('content-security-policy');
    if (typeof csp === 'string') reply.raw.setHeader('content-security-policy', `${csp};upgrade-insecure-requests`);
    reply.raw.setHeader('strict-transport-security', HSTS);
    reply.raw.setHeader('cross-origin-opener-policy', 'same-origin');
  });
  await app.register(cookie);
  if (deps.rateLimit !== false) {
    const rl = deps.rateLimit ?? DEFAULT_RATE_LIMIT;
    // In-memory per process: a coarse per-address ceiling, not an account lockout (that one is in the
    // database, see routes/auth.ts).
    await app.register(rateLimit, {
      global: true, max: rl.max, timeWindow: rl.timeWindowMs,
      errorResponseBuilder: (_req, ctx) =>
        new ApiError('E_RATE_LIMIT', { en: `Too many requests; try again in ${ctx.after}`, id: `Terlalu banyak permintaan; coba lagi dalam ${Math.ceil(ctx.ttl / 1000)} detik` }),
    });
  }
  // JSON bodies with <, > and & escaped (\u003c …): still the same JSON, but no byte sequence a browser
  // could ever take for markup, whatever a misconfigured client or proxy does with the content type
  // (OWASP XSS Prevention Cheat Sheet; helmet adds X-Content-Type-Options: nosniff as the first fence).
  app.addHook('onSend', async (_request, reply, payload) => {
    const type = String(reply.getHeader('content-type') ?? '');
    if (typeof payload !== 'string' || !type.startsWith('application/json')) return payload;
    return payload.replace(/[<>&]/g, (c) => `\\u00${c.charCodeAt(0).toString(16)}`);
  });
  const table = registerAccess(app, { store: deps.store, policy, clock });
  app.decorate('routeTable', table);

  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: { title: 'Perisai API', version: '1', description: 'Exposure of the city to WannaCry-style ransomware: agencies, assets, findings. Errors: { error: { code, message (English), messageId (Bahasa Indonesia) } }.' },
      components: { securitySchemes: { session: { type: 'apiKey', in: 'cookie', name: 'perisai_session' }, csrf: { type: 'apiKey', in: 'header', name: 'x-csrf-token' }, workerCredential: { type: 'http', scheme: 'bearer', description: 'an enrolled worker\'s credential (psw_…), agent routes only' } } },
    },
    refResolver: { buildLocalReference: (json, _base, _fragment, i) => (typeof json.$id === 'string' ? json.$id : `def-${i}`) },
  });
  await app.register(swaggerUi, { routePrefix: '/api/docs', staticCSP: false });

  authRoutes(app, { store: deps.store, policy, throttle, clock, sleep: deps.sleep ?? ((ms) => sleepMs(ms)), ...(deps.queue !== undefined ? { queue: deps.queue } : {}) });
  userRoutes(app, { store: deps.store });
  inventoryRoutes(app, { store: deps.store });
  (await import('./routes/inventory-write.js')).inventoryWriteRoutes(app, { store: deps.store, clock }); // inventory forms
  findingRoutes(app, { store: deps.store });
  reportRoutes(app, { store: deps.store, clock });
  reportCardRoutes(app, { store: deps.store, clock });
  scanRoutes(app, {
    store: deps.store, clock, ...(deps.queue !== undefined ? { queue: deps.queue } : {}),
    ...(deps.scanEvents?.intervalMs !== undefined ? { sseIntervalMs: deps.scanEvents.intervalMs } : {}),
    ...(deps.scanEvents?.maxStreamMs !== undefined ? { maxStreamMs: deps.scanEvents.maxStreamMs } : {}),
    brakes: deps.scanBrakes ?? DEFAULT_SCAN_BRAKES,
  });
  scheduleRoutes(app, { store: deps.store, clock, brakes: deps.scanBrakes ?? DEFAULT_SCAN_BRAKES });
  workerRoutes(app, { store: deps.store, clock });
  agentRoutes(app, { store: deps.store, clock }); // enrolled segment workers (docs/api.md "Enrolled segment workers")
  checkRoutes(app); // the check catalogue (titles, remediation) the result pages translate with
  alertRoutes(app, { store: deps.store });
  await registerIncidentApi(app, { store: deps.store, clock, ...deps.incidents, ...(deps.queue !== undefined ? { queue: deps.queue } : {}) });
  await registerCircularApi(app, { store: deps.store, clock, dataDir: deps.incidents?.dataDir ?? defaultDataDir(), ...deps.circulars, ...(deps.queue !== undefined ? { queue: deps.queue } : {}) });
  await (await import('./static.js')).registerWebUi(app); // the web UI at / (web/dist), when built

  await app.ready();
  return app;
}
