// A small city with accounts, for the API tests: the store fixture's agencies (Pemkot → Dinkes → RSUD,
// Puskesmas; Pemkot → Disdik → SMPN 3; Disdukcapil), a network, a contact, assets and open findings in
// Dinkes, RSUD, Disdik and SMPN 3, and one account per role. The officer is bound to Dinkes, so its
// scope is Dinkes + RSUD + Puskesmas; "foreign" data is everything of Disdik/SMPN 3 (and the city root).

import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { buildApp } from '../../src/api/app.js';
import type { AppDeps } from '../../src/api/app.js';
import { sha256 } from '../../src/api/access.js';
import { hashPassword } from '../../src/api/passwords.js';
import type { Observation } from '../../src/domain/observation.js';
import { DEFAULT_RISK_RULES } from '../../src/domain/risk.js';
import { createScanJob } from '../../src/scheduler/jobs.js';
import { addSchedule } from '../../src/scheduler/scheduler.js';
import type { Store } from '../../src/store/index.js';
import type { Role, User } from '../../src/store/repos/users.js';
import { finalizeJob } from '../../src/worker/finalize.js';
import { AUTH, seedCity } from '../store/fixtures.js';
import { seedIncidents } from '../incidents/fixture.js';
import type { IncidentWorld } from '../incidents/fixture.js';
import { seedCirculars } from '../circulars/fixture.js';
import type { CircularWorld } from '../circulars/fixture.js';
import type { City } from '../store/fixtures.js';

export const PASSWORD = 'kata-sandi-uji-panjang';

export interface AgencyData {
  readonly agencyId: string;
  readonly networkId: string;
  readonly contactId: string;
  readonly contactName: string;
  readonly assetIds: readonly string[];
  readonly ips: readonly string[];
  readonly findingIds: readonly string[];
  /** A scan job of the agency's network (cancelled after storing what it saw of the first host). */
  readonly scanJobId: string;
}

export interface World {
  /** The app's data directory (report photos; a temporary one unless the test gave one). */
  readonly dataDir: string;
  readonly store: Store;
  readonly app: FastifyInstance;
  readonly city: City;
  readonly users: Readonly<Record<'admin' | 'analyst' | 'officer' | 'viewer' | 'officerDisdik', User>>;
  readonly data: Readonly<Record<'dinkes' | 'rsud' | 'disdik' | 'smp', AgencyData>>;
}

async function seedAgency(store: Store, agencyId: string, cidr: string, ips: readonly string[], tag: string): Promise<AgencyData> {
  const net = await store.networks.add('all', { agencyId, cidr, ...AUTH });
  const contactName = `Kontak ${tag}`;
  const contact = await store.contacts.add('all', agencyId, { name: contactName, role: 'technical', email: `${tag.toLowerCase()}@kota.go.id` });
  const up = await store.assets.upsertObserved('all', { agencyId, hosts: ips.map((ip, i) => ({ ip, netbiosName: `${tag}-PC${i}`.slice(0, 15), smb: { dialects: ['NT LM 0.12'], dialectsComplete: true, smbv1: true, signing: 'enabled' } })) });
  // The last host of each agency could not be checked (rating unknown), the others are critical.
  for (const [i, u] of up.entries()) {
    const rule = DEFAULT_RISK_RULES.find((r) => r.id === (i === up.length - 1 ? 'ms17-010-unchecked' : 'ms17-010-vulnerable'))!;
    await store.assets.setRisk('all', u.assetId, { rating: rule.rating, matched: [rule] });
  }
  await store.findings.applyScan({
    jobId: `seed-${tag}`,
    assets: up.map((u) => ({
      assetId: u.assetId, agencyId,
      scan: {
        closedPorts: [],
        signals: [
          { ruleId: 'ms17-010', port: 445, title: { id: 'Rentan MS17-010 (EternalBlue)', en: 'Vulnerable to MS17-010 (EternalBlue)' }, input: { kind: 'detected', severity: 'critical', evidence: { tag } } },
          { ruleId: 'exposure-smb', port: 445, title: { id: 'SMB dapat dijangkau', en: 'SMB reachable' }, input: { kind: 'detected', severity: 'high' } },
          { ruleId: 'smbv1', port: 445, title: { id: 'SMBv1 aktif', en: 'SMBv1 enabled' }, input: { kind: 'detected', severity: 'medium' } },
        ],
      },
    })),
  });
  const page = await store.findings.list(new Set([agencyId]), { agencyId, limit: 1000 });
  // A scan that stored a little and was then cancelled: final (so an event stream on it ends at once) and
  // not completed (so it changes no finding and is nobody's "previous scan").
  const job = await createScanJob(store, 'all', { agencyId, networkId: net.id, targets: [ips[0]!], ports: [139, 445], profile: 'ransomware', vantage: 'internal', requestedBy: 'seed' });
  await store.observations.ingestBatch({
    jobId: job.id,
    observations: [
      { type: 'port', ip: ips[0]!, port: 445, proto: 'tcp', state: 'open', reason: 'syn-ack', service: 'microsoft-ds' },
      { type: 'host', ip: ips[0]!, state: 'up', reason: 'syn-ack', open: 1, closed: 0, filtered: 0 },
      { type: 'check', ip: ips[0]!, port: 445, check: 'smbv1', state: 'vulnerable', reason: `SMBv1 ${tag}`, evidence: { dialect: 'NT LM 0.12' } },
    ],
  });
  await store.scans.setJobStatus('all', job.id, 'cancelled', { error: 'seed' });
  return { agencyId, networkId: net.id, contactId: contact.id, contactName, assetIds: up.map((u) => u.assetId), ips, findingIds: page.items.map((f) => f.id), scanJobId: job.id };
}

export async function makeUser(store: Store, username: string, role: Role, agencyId: string | null = null): Promise<User> {
  return store.users.create({ username, role, agencyId, passwordHash: await hashPassword(PASSWORD) });
}

const tempDirs: string[] = [];
process.on('exit', () => {
  for (const d of tempDirs) rmSync(d, { recursive: true, force: true });
});
function tempDataDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'perisai-api-data-'));
  tempDirs.push(d);
  return d;
}

export async function seedWorld(store: Store, deps: Omit<AppDeps, 'store'> = {}): Promise<World> {
  const city = await seedCity(store);
  const data = {
    dinkes: await seedAgency(store, city.dinkes.id, '198.18.1.0/24', ['198.18.1.10', '198.18.1.11'], 'DINKES'),
    rsud: await seedAgency(store, city.rsud.id, '198.18.2.0/24', ['198.18.2.10'], 'RSUD'),
    disdik: await seedAgency(store, city.disdik.id, '198.18.3.0/24', ['198.18.3.10', '198.18.3.11'], 'DISDIK'),
    smp: await seedAgency(store, city.smp.id, '198.18.4.0/24', ['198.18.4.10'], 'SMPN'),
  };
  const users = {
    admin: await makeUser(store, 'admin', 'admin'),
    analyst: await makeUser(store, 'analis', 'analyst'),
    officer: await makeUser(store, 'petugas.dinkes', 'officer', city.dinkes.id),
    viewer: await makeUser(store, 'pimpinan', 'viewer'),
    officerDisdik: await makeUser(store, 'petugas.disdik', 'officer', city.disdik.id),
  };
  const dataDir = deps.incidents?.dataDir ?? tempDataDir();
  const app = await buildApp({ store, ...deps, incidents: { ...deps.incidents, dataDir } });
  return { store, app, city, users, data, dataDir };
}

export interface Client {
  readonly cookie: string;
  readonly csrf: string;
  req(method: string, url: string, payload?: unknown, headers?: Record<string, string>): Promise<LightMyRequestResponse>;
}

export async function login(app: FastifyInstance, username: string, password = PASSWORD): Promise<Client> {
  const r = await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username, password } });
  if (r.statusCode !== 200) throw new Error(`login ${username}: ${r.statusCode} ${r.body}`);
  const cookie = r.cookies.find((c) => c.name === 'perisai_session')!.value;
  const csrf = (r.json() as { csrfToken: string }).csrfToken;
  return {
    cookie, csrf,
    req: (method, url, payload, headers = {}) =>
      app.inject({
        method: method as 'GET', url, cookies: { perisai_session: cookie },
        headers: { ...(method === 'GET' ? {} : { 'x-csrf-token': csrf }), ...headers },
        ...(payload !== undefined ? { payload: payload as object } : {}),
      }),
  };
}

/**
 * A completed scan job of `agencyId` over `target` that recorded `observations` (engine JSONL records),
 * finalized by the real worker step (assets, risk, findings, change outbox) — stored scan history for
 * the asset detail endpoints. Returns the job id.
 */
export async function recordScan(store: Store, agencyId: string, target: string, observations: readonly Observation[]): Promise<string> {
  const job = await store.scans.createJob('all', {
    agencyId, profile: 'ransomware', targets: [target], ports: [139, 445, 3389], vantage: 'internal', seed: '7', requestedBy: 'uji', tasks: [{ start: 0, end: 1 }],
  });
  await store.scans.setJobStatus('all', job.id, 'running');
  await store.observations.ingestBatch({ jobId: job.id, observations });
  const done = await finalizeJob(store, job.id);
  if (done === undefined) throw new Error(`scan ${job.id} was not finalized`);
  // Jobs are ordered by their finishing time (milliseconds): keep two scans from sharing one.
  await new Promise((r) => setTimeout(r, 5));
  return job.id;
}

/** The objects of the admin routes (schedules, alert channels and rules), for tests that address them by id. */
export interface AdminData {
  /** One schedule per seeded agency (Dinkes, RSUD, Disdik, SMPN 3), by agency id. */
  readonly schedules: Readonly<Record<string, string>>;
  /** A webhook channel with an HMAC secret, and a rule routing to it. */
  readonly channelId: string;
  readonly channelSecret: string;
  readonly ruleId: string;
  /** Per agency: a report with a photo, opened as an incident with the WannaCry playbook (tests/incidents/fixture.ts). */
  readonly incidents: IncidentWorld;
  /** Per agency: a circular sent to it alone, with a link, answer, evidence, campaign and sitrep, closed (tests/circulars/fixture.ts). */
  readonly circulars: CircularWorld;
  /** An enrolled segment worker's credential id (src/api/routes/agent.ts). */
  readonly workerCredentialId: string;
  /** Per agency: a task of its seeded scan job. */
  readonly taskIds: Readonly<Record<string, string>>;
}

export async function seedAdmin(w: World): Promise<AdminData> {
  const schedule = async (agencyId: string) => (await addSchedule(w.store, { agencyId, cron: '0 2 * * *', ports: [445], createdBy: 'fixture' })).id;
  const schedules: Record<string, string> = {};
  for (const d of Object.values(w.data)) schedules[d.agencyId] = await schedule(d.agencyId);
  const channelSecret = 'rahasia-hmac-fixture-0123456789';
  const channel = await w.store.alerts.addChannel({ name: 'fixture-webhook', kind: 'webhook', config: { url: 'http://127.0.0.1:9/hook', secret: channelSecret } });
  const rule = await w.store.alerts.addRule({ name: 'fixture-rule', filter: { topics: ['finding.opened'] }, channelIds: [channel.id] });
  const enrollment = await w.store.workerCredentials.createEnrollment({ id: randomUUID(), name: 'fixture-worker', zones: ['fixture'], tokenHash: sha256('pse_fixture'), createdBy: 'fixture', expiresAt: new Date(Date.now() + 86_400_000).toISOString() });
  const enrolled = await w.store.workerCredentials.enroll({ tokenHash: sha256('pse_fixture'), workerId: randomUUID(), secretHash: sha256(`fixture-${enrollment.id}`) });
  const taskIds: Record<string, string> = {};
  for (const d of Object.values(w.data)) taskIds[d.agencyId] = (await w.store.scans.tasks('all', d.scanJobId))[0]!.id;
  return {
    schedules, channelId: channel.id, channelSecret, ruleId: rule.id, incidents: await seedIncidents(w, w.dataDir), circulars: await seedCirculars(w, w.dataDir),
    workerCredentialId: enrolled!.credential.id, taskIds,
  };
}

/**
 * A request that fails on the server: the database goes away under the app, then an admin lists the
 * agencies. Returns the answer (a 5xx telling the user to quote its request id) and that request id.
 */
export async function failOnServer(w: World): Promise<{ res: LightMyRequestResponse; id: string }> {
  const admin = await login(w.app, 'admin');
  await w.store.close();
  const res = await admin.req('GET', '/api/v1/agencies');
  if (res.statusCode < 500) throw new Error(`expected a server error, got ${res.statusCode} ${res.body}`);
  const id = String(res.headers['x-request-id'] ?? '');
  if (id === '' || !/id permintaan/.test((res.json() as { error: { messageId: string } }).error.messageId)) throw new Error(`no request id to quote: ${res.body}`);
  return { res, id };
}
