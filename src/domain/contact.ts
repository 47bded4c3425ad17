// Agency contacts: the people Diskominfo reaches when a finding opens (CyHy RequestDoc keeps typed
// contacts per organisation; what matters here is a named PIC reachable by phone/WhatsApp
// during an emergency — in May 2017 the response ran over WhatsApp groups).

import { validationError } from './errors.js';

export const CONTACT_ROLES = [
  'pic', // person in charge / narahubung
  'technical', // admin TI / pengelola TI
  'head', // kepala dinas / direktur RSUD / kepala sekolah
  'security', // CSIRT / agen siber
  'distribution', // receives reports only (CyHy "distribution" contacts)
] as const;
export type ContactRole = (typeof CONTACT_ROLES)[number];

export interface Contact {
  readonly id: string;
  readonly agencyId: string;
  readonly name: string;
  readonly role: ContactRole;
  readonly email: string | null;
  /** E.164, e.g. "+6281234567890". */
  readonly phone: string | null;
  /** E.164 number reachable on WhatsApp (often the same as phone, but not always). */
  readonly whatsapp: string | null;
  readonly isPrimary: boolean;
  readonly createdAt: string;
}

export interface ContactInput {
  readonly name: string;
  readonly role: ContactRole;
  readonly email?: string | null;
  readonly phone?: string | null;
  readonly whatsapp?: string | null;
  readonly isPrimary?: boolean;
}

// Deliberately loose (RFC 5322 addresses are too varied to validate by regex); catches typos such as a
// missing "@" or a space, nothing more. Delivery is the real test.
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/**
 * Normalise a phone number to E.164 (ITU-T E.164). Indonesian habits are accepted: a national number
 * with the trunk prefix "0" ("0812-3456-7890") or the country code without "+" ("62812…") becomes
 * "+62812…". Separators (space, dash, dot, parentheses) are dropped. Returns undefined when the result
 * is not 8–15 digits after the "+".
 */
export function normalizePhone(raw: string, defaultCountryCode = '62'): string | undefined {
  const compact = raw.trim().replace(/[\s().-]/g, '');
  let digits: string;
  if (compact.startsWith('+')) digits = compact.slice(1);
  else if (compact.startsWith('00')) digits = compact.slice(2);
  else if (compact.startsWith('0')) digits = defaultCountryCode + compact.slice(1);
  else if (compact.startsWith(defaultCountryCode)) digits = compact;
  else digits = defaultCountryCode + compact;
  if (!/^[1-9][0-9]{7,14}$/.test(digits)) return undefined;
  return `+${digits}`;
}

export function validateContactInput(input: ContactInput): Required<ContactInput> {
  const name = (input.name ?? '').trim();
  if (name.length === 0 || name.length > 200) throw validationError('name: must be 1–200 characters', { field: 'name' });
  if (!(CONTACT_ROLES as readonly string[]).includes(input.role)) {
    throw validationError(`role: ${JSON.stringify(input.role)} is not one of ${CONTACT_ROLES.join(', ')}`, { field: 'role' });
  }
  let email: string | null = null;
  if (input.email != null && input.email.trim() !== '') {
    email = input.email.trim();
    if (!EMAIL.test(email)) throw validationError(`email: ${JSON.stringify(input.email)} is not an e-mail address`, { field: 'email' });
  }
  const phoneField = (field: 'phone' | 'whatsapp'): string | null => {
    const v = input[field];
    if (v == null || v.trim() === '') return null;
    const n = normalizePhone(v);
    if (n === undefined) throw validationError(`${field}: ${JSON.stringify(v)} is not a phone number`, { field });
    return n;
  };
  const phone = phoneField('phone');
  const whatsapp = phoneField('whatsapp');
  if (email === null && phone === null && whatsapp === null) {
    throw validationError('a contact needs at least one of email, phone or whatsapp', { field: 'email' });
  }
  return { name, role: input.role, email, phone, whatsapp, isPrimary: input.isPrimary ?? false };
}
