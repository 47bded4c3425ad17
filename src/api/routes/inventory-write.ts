// Inventory mutations (the web application's forms): agencies, their networks and contacts,
// and the fields of an asset that people (not scans) own. Every route is an audited mutation (access
// plugin) that passes `request.scope` to the store, so an id outside the caller's scope answers 404
// exactly like a missing one.
//
// Who may do what (docs/api.md, "Inventory changes"):
//  - agencies: admin and analyst anywhere in their scope; an officer only BELOW its own agency (it may
//    register a new unit, e.g. a new puskesmas under its Dinkes, and correct or retire such units, but
//    not rename, move or retire the agency it belongs to — that is Diskominfo's record of who it is);
//  - networks: admin and analyst only: registering a block is the authorisation to scan it, recorded
//    with the user who registered it; a block the guard rails question (public space, wider than the
//    configured size, loopback; domain/network.ts) only by an administrator, with a written reason that
//    is stored with the network and audited; the never-register list by nobody;
//  - contacts and the asset's criticality/owner/tags: admin, analyst and the agency's own officer.
//
// The store's errors are English sentences (for logs and the CLI); the messages users read are built
// here from their structured details, in both languages (`fieldText`, `translate`).

import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { isPerisaiError } from '../../domain/errors.js';
import type { PerisaiError } from '../../domain/errors.js';
import { cidrSize } from '../../domain/ip.js';
import { MIN_CONFIRM_REASON, NetworkConfirmationError, NeverRegisterError } from '../../domain/network.js';
import type { NetworkAssessment, NetworkConcern, NetworkPolicy } from '../../domain/network.js';
import { inScope, NetworkOverlapError } from '../../store/index.js';
import type { AgencyScope, Store } from '../../store/index.js';
import type { Role, User } from '../../store/repos/users.js';
import { TRIAGE } from '../access.js';
import { ApiError, inIndonesian } from '../errors.js';
import {
  AgencyCreate, AgencyOut, AgencyPatchIn, AssetOut, AssetPatchIn, ContactCreate, ContactOut, ContactPatchIn, IdParams, NetworkCreate, NetworkOut, responses, visibleAgency,
} from '../schemas.js';

const INVENTORY_ADMIN: readonly Role[] = ['admin', 'analyst'];

const FIELD_ID: Readonly<Record<string, string>> = {
  name: 'nama', kind: 'jenis', code: 'kode', parentId: 'induk', email: 'surel', phone: 'telepon', whatsapp: 'WhatsApp', tags: 'label', cidr: 'CIDR', role: 'peran', criticality: 'tingkat kepentingan',
};

/**
 * A store validation error's Indonesian sentence: the store's sentence stays the English text; the
 * Indonesian one names the field and, for the cases a form can hit, says what to do.
 */
function fieldText(field: string, e: PerisaiError): string | undefined {
  // The guard rails' refusals carry structured details of their own (translate, below).
  if (e instanceof NeverRegisterError || e instanceof NetworkConfirmationError) return undefined;
  const d = e.details;
  const where = FIELD_ID[field] ?? field;
  if (field === 'cidr') return typeof d['suggestion'] === 'string' ? `CIDR ${String(d['value'])} memuat bit host; maksud Anda ${d['suggestion']}?` : `${String(d['value'] ?? '')} bukan blok CIDR yang valid (alamat/prefiks, mis. 198.18.0.0/24)`.trim();
  if (field === 'parentId') return /own descendants/.test(e.message) ? 'Instansi tidak dapat dipindahkan ke bawah unitnya sendiri' : 'Jenis instansi ini tidak dapat ditempatkan di bawah induk tersebut';
  if (field === 'email' && /at least one/.test(e.message)) return 'Kontak memerlukan minimal satu dari surel, telepon, atau WhatsApp';
  if (field === 'email') return 'Alamat surel tidak valid';
  if (field === 'phone' || field === 'whatsapp') return `Nomor ${where} tidak valid (mis. 0812-3456-7890 atau +62812…)`;
  if (field === 'tags') return 'Label hanya boleh berisi huruf, angka, spasi, atau _ . : / - (maksimal 64 karakter)';
  return `Isian ${where} tidak valid`;
}

/** What a questioned block raises, as part of a sentence "Network X …", in both languages. */
function concernText(cidr: string, concerns: readonly NetworkConcern[], policy: NetworkPolicy, size: bigint): { en: string; id: string } {
  const limit = cidr.includes(':') ? policy.confirmPrefixV6 : policy.confirmPrefixV4;
  const count = size.toLocaleString('en-US');
  const en = concerns.map((c) => (c === 'public' ? 'contains public address space (reachable from the Internet, not the city\'s own network)'
    : c === 'large' ? `is wider than /${limit} (${count} addresses)` : 'contains loopback (the Perisai server itself; for testing only)'));
  const id = concerns.map((c) => (c === 'public' ? 'memuat ruang alamat publik (terjangkau dari Internet, bukan jaringan milik kota)'
    : c === 'large' ? `lebih lebar dari /${limit} (${count.replace(/,/g, '.')} alamat)` : 'memuat loopback (server Perisai itu sendiri; hanya untuk pengujian)'));
  return { en: en.join(' and '), id: id.join(' dan ') };
}

/** The details a form needs to ask for a confirmation: why (concerns) and the configured size. */
function confirmDetails(a: NetworkAssessment, policy: NetworkPolicy, reason: 'confirmation-required' | 'confirmation-admin' | 'reason-too-short', field: string) {
  return { field, reason, cidr: a.cidr.text, concerns: [...a.concerns], limit: a.cidr.family === 4 ? policy.confirmPrefixV4 : policy.confirmPrefixV6, addresses: cidrSize(a.cidr).toString() };
}

/** A refusal of the guard rails (domain/network.ts) in both languages. */
function guardRailError(store: Store, a: NetworkAssessment, why: 'confirmation-required' | 'confirmation-admin' | 'reason-too-short'): ApiError {
  const policy = store.networks.policy;
  const c = concernText(a.cidr.text, a.concerns, policy, cidrSize(a.cidr));
  const cidr = a.cidr.text;
  if (why === 'confirmation-admin') {
    return new ApiError('E_FORBIDDEN', {
      en: `Network ${cidr} ${c.en}; only an administrator can register it, with a written reason`,
      id: `Jaringan ${cidr} ${c.id}; hanya administrator yang dapat mendaftarkannya, dengan alasan tertulis`,
    }, confirmDetails(a, policy, why, 'cidr'));
  }
  if (why === 'reason-too-short') {
    return new ApiError('E_VALIDATION', {
      en: `The reason for confirming ${cidr} must be at least ${MIN_CONFIRM_REASON} characters`,
      id: `Alasan konfirmasi untuk ${cidr} minimal ${MIN_CONFIRM_REASON} karakter`,
    }, confirmDetails(a, policy, why, 'confirmReason'));
  }
  return new ApiError('E_VALIDATION', {
    en: `Network ${cidr} ${c.en}; confirm with a written reason (at least ${MIN_CONFIRM_REASON} characters) why it may be scanned`,
    id: `Jaringan ${cidr} ${c.id}; konfirmasi dengan alasan tertulis (minimal ${MIN_CONFIRM_REASON} karakter) mengapa jaringan ini boleh dipindai`,
  }, confirmDetails(a, policy, why, 'confirmReason'));
}

/**
 * Any other store error → the user's message in both languages. Conflicts name the other agency only
 * when it is in the caller's scope (a scoped caller must not learn who holds a block or a code outside it).
 */
async function translate(e: unknown, store: Store, scope: AgencyScope, parent: boolean): Promise<unknown> {
  if (e instanceof NeverRegisterError) {
    const b = e.block;
    const cidr = String(e.details['value']);
    const how = { is: 'adalah', contains: 'memuat', inside: 'berada di dalam' }[e.relation];
    return new ApiError('E_VALIDATION', {
      en: `Network ${cidr} ${e.relation === 'inside' ? 'is inside' : e.relation} ${b.cidr.text}, ${b.en}; Perisai never registers or scans that block`,
      id: `Jaringan ${cidr} ${how} ${b.cidr.text}, ${b.id}; Perisai tidak pernah mendaftarkan atau memindai blok itu`,
    }, { field: 'cidr', reason: 'never-scan', block: b.cidr.text });
  }
  if (e instanceof NetworkConfirmationError) {
    const a = store.networks.assess(String(e.details['value']));
    return guardRailError(store, a, e.details['reason'] === 'reason-too-short' ? 'reason-too-short' : 'confirmation-required');
  }
  if (e instanceof NetworkOverlapError) {
    const c = e.conflict;
    const cidr = String(e.details['cidr']);
    const known = inScope(scope, c.agencyId);
    const who = { en: known ? `${c.agencyName} (${c.agencyCode})` : 'another agency', id: known ? `${c.agencyName} (${c.agencyCode})` : 'instansi lain' };
    const details = { field: 'cidr', reason: e.reason, ...(known ? { cidr: c.cidr, agencyId: c.agencyId, agencyCode: c.agencyCode } : {}) };
    return e.reason === 'duplicate'
      ? new ApiError('E_CONFLICT', { en: `Network ${cidr} is already registered to ${who.en}`, id: `Jaringan ${cidr} sudah terdaftar atas nama ${who.id}` }, details)
      : new ApiError('E_CONFLICT', {
        en: `Network ${cidr} overlaps ${known ? c.cidr : 'a block'} registered to ${who.en}; two agencies cannot both claim a host`,
        id: `Jaringan ${cidr} tumpang tindih dengan ${known ? c.cidr : 'blok'} milik ${who.id}; satu host tidak boleh diklaim dua instansi`,
      }, details);
  }
  if (!isPerisaiError(e)) return e;
  const d = e.details;
  // The parent named in the body is missing or outside the scope: say which field, without echoing an id.
  if (e.code === 'E_NOT_FOUND' && parent) return new ApiError('E_NOT_FOUND', { en: 'No such parent agency', id: 'Instansi induk tidak ditemukan' }, { field: 'parentId' });
  const field = typeof d['field'] === 'string' ? d['field'] : undefined;
  if (e.code === 'E_CONFLICT' && field === 'code') {
    const code = String(d['code']);
    const holder = await store.agencies.getByCode(scope, code).catch(() => undefined);
    return new ApiError('E_CONFLICT', {
      en: `Agency code ${code} is already used${holder ? ` by ${holder.name}` : ''}`,
      id: `Kode instansi ${code} sudah dipakai${holder ? ` oleh ${holder.name}` : ''}`,
    }, { field: 'code' });
  }
  if (e.code === 'E_CONFLICT' && typeof d['parentId'] === 'string') {
    return new ApiError('E_CONFLICT', { en: 'The parent agency is retired', id: 'Instansi induk sudah dinonaktifkan' }, { field: 'parentId' });
  }
  if (e.code === 'E_CONFLICT' && typeof d['child'] === 'string') {
    return new ApiError('E_CONFLICT', {
      en: `The agency still has an active unit (${d['child']}); retire or move it first`,
      id: `Instansi masih memiliki unit aktif (${d['child']}); nonaktifkan atau pindahkan unit itu terlebih dahulu`,
    }, { child: d['child'] });
  }
  return e;
}

/**
 * Run a store call and turn its errors into translated API errors. `parent`: the call resolves a
 * parent agency from the body, so "not found" means that parent (the addressed row was read before).
 */
function attempt<T>(store: Store, scope: AgencyScope, fn: () => Promise<T>, parent = false): Promise<T> {
  return inIndonesian(fieldText, fn, (e) => translate(e, store, scope, parent));
}

/** An officer acts below its own agency, never on it (module comment). City-wide users are not limited. */
function belowOwnAgency(user: User, agencyId: string): void {
  if (user.role === 'officer' && user.agencyId === agencyId) {
    throw new ApiError('E_FORBIDDEN', {
      en: 'An agency officer may change the units below its agency, not the agency itself; ask Diskominfo',
      id: 'Petugas instansi hanya dapat mengubah unit di bawah instansinya, bukan instansinya sendiri; hubungi Diskominfo',
    }, { reason: 'own-agency' });
  }
}

export function inventoryWriteRoutes(app: FastifyInstance, deps: { store: Store; clock: () => Date }): void {
  const { store, clock } = deps;
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const cfg = (roles: readonly Role[], target: string, audit: string) => ({ access: { roles, target, audit } });

  r.post('/api/v1/agencies', {
    config: cfg(TRIAGE, 'agency', 'agency.create'),
    schema: { tags: ['agencies'], summary: 'Create an agency or unit (officers: only below their own agency)', body: AgencyCreate, response: responses({ 201: AgencyOut }) },
  }, async (request, reply) => {
    const b = request.body;
    if (request.scope !== 'all' && (b.parentId ?? null) === null) {
      throw new ApiError('E_VALIDATION', {
        en: 'parentId: choose the agency the new unit belongs to; only city-wide users create top-level agencies',
        id: 'Pilih instansi induk untuk unit baru; hanya pengguna tingkat kota yang dapat membuat instansi teratas',
      }, { field: 'parentId' });
    }
    const a = await attempt(store, request.scope, () => store.agencies.create(request.scope, {
      code: b.code, name: b.name, kind: b.kind, parentId: b.parentId ?? null, notes: b.notes ?? null,
    }), true);
    request.auditNote = { targetId: a.id, agencyId: a.id, details: { code: a.code, name: a.name, kind: a.kind, parentId: a.parentId } };
    return reply.code(201).send(visibleAgency(request.scope, a));
  });

  r.patch('/api/v1/agencies/:id', {
    config: cfg(TRIAGE, 'agency', 'agency.update'),
    schema: { tags: ['agencies'], summary: 'Change name, kind, notes or parent', params: IdParams, body: AgencyPatchIn, response: responses({ 200: AgencyOut }) },
  }, async (request) => {
    const before = await store.agencies.get(request.scope, request.params.id);
    belowOwnAgency(request.user!, before.id);
    const a = await attempt(store, request.scope, () => store.agencies.update(request.scope, before.id, request.body), true);
    request.auditNote = { agencyId: a.id, details: { before: { name: before.name, kind: before.kind, notes: before.notes, parentId: before.parentId }, change: request.body } };
    return visibleAgency(request.scope, a);
  });

  // Retire, not delete: the agency's assets, findings and reports stay (retiredAt hides it from lists).
  r.post('/api/v1/agencies/:id/retire', {
    config: cfg(TRIAGE, 'agency', 'agency.retire'),
    schema: { tags: ['agencies'], summary: 'Retire an agency (kept with its history; refused while it has active units)', params: IdParams, response: responses({ 200: AgencyOut }) },
  }, async (request) => {
    const cur = await store.agencies.get(request.scope, request.params.id);
    belowOwnAgency(request.user!, cur.id);
    await attempt(store, request.scope, () => store.agencies.retire(request.scope, cur.id));
    request.auditNote = { agencyId: cur.id, details: { code: cur.code } };
    return visibleAgency(request.scope, await store.agencies.get(request.scope, cur.id));
  });

  r.post('/api/v1/agencies/:id/networks', {
    config: cfg(INVENTORY_ADMIN, 'network', 'network.register'),
    schema: {
      tags: ['networks'], summary: 'Register a network; the registering user is recorded as the one who authorised scanning it',
      params: IdParams, body: NetworkCreate, response: responses({ 201: NetworkOut }),
    },
  }, async (request, reply) => {
    const user = request.user!;
    const agency = await store.agencies.get(request.scope, request.params.id);
    const b = request.body;
    const cidr = b.cidr.trim();
    request.auditNote = { agencyId: agency.id, details: { cidr } };
    // The guard rails before anything else: the never-register list is refused for everyone; a
    // questioned block needs an administrator and a written reason. Refusals are audited like every
    // mutation (access plugin), with what was asked for.
    const assessment = await attempt(store, request.scope, async () => store.networks.assess(cidr));
    const reason = b.confirmReason?.trim() ?? '';
    if (assessment.concerns.length > 0) {
      request.auditNote.details = { cidr: assessment.cidr.text, concerns: [...assessment.concerns], ...(reason !== '' ? { confirmReason: reason } : {}) };
      if (user.role !== 'admin') throw guardRailError(store, assessment, 'confirmation-admin');
      if (reason === '') throw guardRailError(store, assessment, 'confirmation-required');
    }
    const n = await attempt(store, request.scope, () => store.networks.add(request.scope, {
      agencyId: agency.id, cidr, label: b.label ?? null, zone: b.zone ?? null, authorisationRef: b.authorisationRef ?? null,
      authorisedBy: user.username, authorisedAt: clock().toISOString(),
      confirmation: assessment.concerns.length > 0 ? { by: user.username, reason } : null,
    }, { actorId: user.id, requestId: request.id, ip: request.ip }));
    request.auditNote = {
      targetId: n.id, agencyId: agency.id,
      details: { cidr: n.cidr, label: n.label, zone: n.zone, authorisedBy: n.authorisedBy, authorisationRef: n.authorisationRef, ...(n.confirmation !== null ? { confirmation: { ...n.confirmation } } : {}) },
    };
    return reply.code(201).send(n);
  });

  r.delete('/api/v1/networks/:id', {
    config: cfg(INVENTORY_ADMIN, 'network', 'network.remove'),
    schema: { tags: ['networks'], summary: 'Withdraw a network (ends the authorisation to scan it; its assets and findings stay)', params: IdParams, response: responses({ 204: Type.Null() }) },
  }, async (request, reply) => {
    const n = await store.networks.get(request.scope, request.params.id);
    await store.networks.remove(request.scope, n.id);
    // The network row goes; the audit row keeps what was authorised, by whom and since when.
    request.auditNote = { agencyId: n.agencyId, details: { cidr: n.cidr, label: n.label, authorisedBy: n.authorisedBy, authorisedAt: n.authorisedAt, ...(n.confirmation !== null ? { confirmation: { ...n.confirmation } } : {}) } };
    return reply.code(204).send();
  });

  r.post('/api/v1/agencies/:id/contacts', {
    config: cfg(TRIAGE, 'contact', 'contact.add'),
    schema: { tags: ['agencies'], summary: 'Add a contact (a new primary contact demotes the previous one of the same role)', params: IdParams, body: ContactCreate, response: responses({ 201: ContactOut }) },
  }, async (request, reply) => {
    const c = await attempt(store, request.scope, () => store.contacts.add(request.scope, request.params.id, request.body));
    request.auditNote = { targetId: c.id, agencyId: c.agencyId, details: { name: c.name, role: c.role } };
    return reply.code(201).send(c);
  });

  r.patch('/api/v1/contacts/:id', {
    config: cfg(TRIAGE, 'contact', 'contact.update'),
    schema: { tags: ['agencies'], summary: 'Change a contact', params: IdParams, body: ContactPatchIn, response: responses({ 200: ContactOut }) },
  }, async (request) => {
    const before = await store.contacts.get(request.scope, request.params.id);
    const c = await attempt(store, request.scope, () => store.contacts.update(request.scope, before.id, request.body));
    request.auditNote = { agencyId: c.agencyId, details: { before: { name: before.name, role: before.role, email: before.email, phone: before.phone, whatsapp: before.whatsapp, isPrimary: before.isPrimary }, change: request.body } };
    return c;
  });

  r.delete('/api/v1/contacts/:id', {
    config: cfg(TRIAGE, 'contact', 'contact.remove'),
    schema: { tags: ['agencies'], summary: 'Remove a contact', params: IdParams, response: responses({ 204: Type.Null() }) },
  }, async (request, reply) => {
    const c = await store.contacts.get(request.scope, request.params.id);
    await store.contacts.remove(request.scope, c.id);
    request.auditNote = { agencyId: c.agencyId, details: { name: c.name, role: c.role, email: c.email, phone: c.phone, whatsapp: c.whatsapp } };
    return reply.code(204).send();
  });

  r.patch('/api/v1/assets/:id', {
    config: cfg(TRIAGE, 'asset', 'asset.update'),
    schema: { tags: ['assets'], summary: 'Change criticality, owner or tags (what scans cannot know)', params: IdParams, body: AssetPatchIn, response: responses({ 200: AssetOut }) },
  }, async (request) => {
    const before = await store.assets.get(request.scope, request.params.id);
    const a = await attempt(store, request.scope, () => store.assets.update(request.scope, before.id, request.body));
    request.auditNote = { agencyId: a.agencyId, details: { before: { criticality: before.criticality, owner: before.owner, tags: before.tags }, change: request.body } };
    return a;
  });
}
