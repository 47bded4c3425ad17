// Password storage and first-run admin.
//
// argon2id with the OWASP Password Storage Cheat Sheet's baseline (m = 19 MiB, t = 2, p = 1); the PHC
// string keeps the parameters, so they can be raised later and old hashes still verify (`needsRehash`).
// Length 12–128: ASVS 4.0 V2.1.1 (≥ 12) and an upper bound so a huge "password" cannot cost the server
// a long hash (V2.1.2 allows up to 128 and more; 128 is plenty for passphrases).

import { randomBytes } from 'node:crypto';
import argon2 from 'argon2';
import type { Store } from '../store/index.js';
import type { User } from '../store/repos/users.js';
import { ApiError } from './errors.js';

export const PASSWORD_MIN = 12;
export const PASSWORD_MAX = 128;

const OPTIONS = { type: argon2.argon2id, memoryCost: 19 * 1024, timeCost: 2, parallelism: 1 } as const;

/** Length and "not the username"; `field` names the form field in the error's details. */
export function checkPasswordPolicy(password: string, username?: string, field = 'password'): void {
  const n = [...password].length;
  if (n < PASSWORD_MIN || n > PASSWORD_MAX) {
    throw new ApiError('E_VALIDATION', {
      en: `The password must be ${PASSWORD_MIN} to ${PASSWORD_MAX} characters long`,
      id: `Kata sandi harus ${PASSWORD_MIN} sampai ${PASSWORD_MAX} karakter`,
    }, { field });
  }
  if (username !== undefined && password.toLowerCase().includes(username.toLowerCase())) {
    throw new ApiError('E_VALIDATION', { en: 'The password must not contain the username', id: 'Kata sandi tidak boleh memuat nama pengguna' }, { field });
  }
}

/**
 * A new password must differ from the one it replaces: a temporary or one-time password kept as it is
 * stays known to whoever issued or saw it, so "changing" it to itself is no change (ASVS 4.0 V2.3.1:
 * initial passwords are to be replaced at first use). The caller has verified `current`.
 */
export function checkPasswordChange(current: string, next: string, username: string): void {
  if (next === current) {
    throw new ApiError('E_VALIDATION', {
      en: 'The new password must differ from the current (or temporary) one',
      id: 'Kata sandi baru harus berbeda dari kata sandi saat ini (atau sementara)',
    }, { field: 'newPassword', reason: 'same-password' });
  }
  checkPasswordPolicy(next, username, 'newPassword');
}

export function hashPassword(password: string): Promise<string> {
  return argon2.hash(password, OPTIONS);
}

export async function verifyPassword(hash: string, password: string): Promise<boolean> {
  try {
    return await argon2.verify(hash, password);
  } catch {
    return false; // a malformed stored hash is a failed login, not a 500
  }
}

let dummy: Promise<string> | undefined;
/**
 * Verify against a throw-away hash when the account does not exist, so the response time does not tell
 * which usernames exist (OWASP Authentication Cheat Sheet, "Authentication Responses").
 */
export async function burnVerify(password: string): Promise<void> {
  dummy ??= hashPassword(randomBytes(16).toString('hex'));
  await verifyPassword(await dummy, password);
}

/** A one-time password: 18 random bytes, base64url (24 characters, 144 bits). */
export function generatePassword(): string {
  return randomBytes(18).toString('base64url');
}

export interface FirstAdmin {
  /** True when this call created the account. */
  readonly created: boolean;
  readonly user?: User;
  /** The generated one-time password, when none was given; shown once by the caller, never stored in clear. */
  readonly oneTimePassword?: string;
}

/**
 * First run: when there is no account at all, create `admin`. The password comes from `opts.password`
 * (the serve command passes $PERISAI_ADMIN_PASSWORD) or is generated and returned for the caller to
 * print once. Either way it must be changed at first login (`mustChangePassword`): a generated one was
 * printed to a terminal or the journal, and one from the environment sits in a file such as
 * /etc/perisai/perisai.env (deploy/perisai.env.example) or a shell history; both are bootstrap secrets,
 * not the administrator's password (ASVS 4.0 V2.3.1, initial secrets changed at first use).
 */
export async function ensureFirstAdmin(store: Store, opts: { password?: string | undefined } = {}): Promise<FirstAdmin> {
  if ((await store.users.count()) > 0) return { created: false };
  const given = opts.password !== undefined && opts.password !== '' ? opts.password : undefined;
  if (given !== undefined) checkPasswordPolicy(given, 'admin');
  const password = given ?? generatePassword();
  const user = await store.users.create({ username: 'admin', displayName: 'Administrator', passwordHash: await hashPassword(password), role: 'admin', mustChangePassword: true });
  await store.audit.record({ actorId: null, actor: 'system', action: 'user.create-first-admin', targetType: 'user', targetId: user.id, outcome: 'success' });
  return given === undefined ? { created: true, user, oneTimePassword: password } : { created: true, user };
}
