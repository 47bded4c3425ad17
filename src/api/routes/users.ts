// Accounts, administered by the IT office (admin role only).

import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { Store } from '../../store/index.js';
import { normalizeUsername } from '../../store/repos/users.js';
import type { UserPatch } from '../../store/repos/users.js';
import { PerisaiError } from '../../domain/errors.js';
import { ADMIN } from '../access.js';
import { ApiError } from '../errors.js';
import { checkPasswordPolicy, hashPassword } from '../passwords.js';
import { IdParams, Nullable, Role, Text, UserOut, responses } from '../schemas.js';

export function userRoutes(app: FastifyInstance, deps: { store: Store }): void {
  const { store } = deps;
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const access = (audit?: string) => ({ access: { roles: ADMIN, target: 'user', ...(audit !== undefined ? { audit } : {}) } });

  r.get('/api/v1/users', {
    config: access(),
    schema: {
      tags: ['users'], summary: 'List accounts',
      querystring: Type.Object({ agencyId: Type.Optional(Type.String({ maxLength: 64 })), role: Type.Optional(Role) }),
      response: responses({ 200: Type.Object({ items: Type.Array(UserOut) }) }),
    },
  }, async (request) => ({ items: await store.users.list(request.query) }));

  r.post('/api/v1/users', {
    config: access('user.create'),
    schema: {
      tags: ['users'], summary: 'Create an account',
      body: Type.Object({
        username: Type.String({ minLength: 3, maxLength: 64 }), displayName: Type.Optional(Text(200)), password: Type.String({ minLength: 1, maxLength: 1024 }),
        role: Role, agencyId: Type.Optional(Nullable(Type.String({ maxLength: 64 }))), mustChangePassword: Type.Optional(Type.Boolean()),
      }, { additionalProperties: false }),
      response: responses({ 201: UserOut }),
    },
  }, async (request, reply) => {
    const b = request.body;
    checkPasswordPolicy(b.password, b.username);
    const user = await store.users.create({
      username: b.username, passwordHash: await hashPassword(b.password), role: b.role, agencyId: b.agencyId ?? null,
      ...(b.displayName !== undefined ? { displayName: b.displayName } : {}), mustChangePassword: b.mustChangePassword ?? true,
    }).catch((e: unknown) => {
      // The store's message is English only; a taken name is common enough to deserve both languages.
      if (e instanceof PerisaiError && e.code === 'E_CONFLICT' && e.details['field'] === 'username') {
        const name = normalizeUsername(b.username);
        throw new ApiError('E_CONFLICT', { en: `The username "${name}" is already taken`, id: `Nama pengguna "${name}" sudah dipakai` }, { field: 'username' });
      }
      throw e;
    });
    request.auditNote.targetId = user.id;
    request.auditNote.agencyId = user.agencyId;
    request.auditNote.details = { username: user.username, role: user.role };
    return reply.code(201).send(user);
  });

  r.get('/api/v1/users/:id', {
    config: access(),
    schema: { tags: ['users'], summary: 'One account', params: IdParams, response: responses({ 200: UserOut }) },
  }, async (request) => store.users.get(request.params.id));

  r.patch('/api/v1/users/:id', {
    config: access('user.update'),
    schema: {
      tags: ['users'], summary: 'Change an account (role, agency, name, password, disabled); ends its sessions when access changes',
      params: IdParams,
      body: Type.Object({
        displayName: Type.Optional(Text(200)), password: Type.Optional(Type.String({ minLength: 1, maxLength: 1024 })), role: Type.Optional(Role),
        agencyId: Type.Optional(Nullable(Type.String({ maxLength: 64 }))), disabled: Type.Optional(Type.Boolean()), mustChangePassword: Type.Optional(Type.Boolean()),
      }, { additionalProperties: false }),
      response: responses({ 200: UserOut }),
    },
  }, async (request) => {
    const b = request.body;
    const target = await store.users.get(request.params.id);
    if (target.id === request.user!.id && ((b.role !== undefined && b.role !== 'admin') || b.disabled === true)) {
      throw new ApiError('E_CONFLICT', { en: 'You cannot remove your own administrator access', id: 'Anda tidak dapat mencabut akses administrator Anda sendiri' });
    }
    const patch: { -readonly [K in keyof UserPatch]: UserPatch[K] } = {};
    if (b.displayName !== undefined) patch.displayName = b.displayName;
    if (b.role !== undefined) patch.role = b.role;
    if (b.agencyId !== undefined) patch.agencyId = b.agencyId;
    if (b.disabled !== undefined) patch.disabled = b.disabled;
    if (b.mustChangePassword !== undefined) patch.mustChangePassword = b.mustChangePassword;
    if (b.password !== undefined) {
      checkPasswordPolicy(b.password, target.username);
      patch.passwordHash = await hashPassword(b.password);
    }
    const user = await store.users.update(target.id, patch);
    // Access changed: sessions carry the old role/scope decisions only until their next request, but a
    // new password or a disabled account must end them now (ASVS 3.3.3/3.3.4).
    if (b.password !== undefined || b.disabled === true || user.role !== target.role || user.agencyId !== target.agencyId) await store.sessions.revokeAllOf(user.id);
    request.auditNote.agencyId = user.agencyId;
    request.auditNote.details = { fields: Object.keys(b).filter((k) => k !== 'password').concat(b.password !== undefined ? ['password'] : []) };
    return user;
  });

  r.delete('/api/v1/users/:id', {
    config: access('user.delete'),
    schema: { tags: ['users'], summary: 'Delete an account (its sessions end; audit entries keep the name)', params: IdParams, response: responses({ 204: Type.Null() }) },
  }, async (request, reply) => {
    if (request.params.id === request.user!.id) throw new ApiError('E_CONFLICT', { en: 'You cannot delete your own account', id: 'Anda tidak dapat menghapus akun Anda sendiri' });
    await store.users.remove(request.params.id);
    return reply.code(204).send();
  });
}
