// Contacts of an agency (PIC, technical, head, security, distribution).

import { randomUUID } from 'node:crypto';
import type { Selectable } from 'kysely';
import { notFound } from '../../domain/errors.js';
import { validateContactInput } from '../../domain/contact.js';
import type { Contact, ContactInput, ContactRole } from '../../domain/contact.js';
import type { Ctx } from '../context.js';
import { nowIso, run, tx } from '../context.js';
import type { AgencyScope } from '../scope.js';
import { assertInScope, scopeFilter } from '../scope.js';
import type { ContactTable } from '../schema.js';
import { AgencyRepo } from './agencies.js';

export class ContactRepo {
  readonly #ctx: Ctx;
  constructor(ctx: Ctx) {
    this.#ctx = ctx;
  }

  #toContact(r: Selectable<ContactTable>): Contact {
    return {
      id: r.id, agencyId: r.agency_id, name: r.name, role: r.role as ContactRole, email: r.email, phone: r.phone,
      whatsapp: r.whatsapp, isPrimary: this.#ctx.d.fromBool(r.is_primary), createdAt: r.created_at,
    };
  }

  /** Add a contact. A new primary contact demotes the previous primary one of the same role. */
  async add(scope: AgencyScope, agencyId: string, input: ContactInput): Promise<Contact> {
    const v = validateContactInput(input);
    return tx(this.#ctx, `adding a contact to ${agencyId}`, async (ctx) => {
      await new AgencyRepo(ctx).get(scope, agencyId);
      if (v.isPrimary) {
        await ctx.db.updateTable('contacts').set({ is_primary: ctx.d.bool(false) }).where('agency_id', '=', agencyId).where('role', '=', v.role).execute();
      }
      const row = {
        id: randomUUID(), agency_id: agencyId, name: v.name, role: v.role, email: v.email, phone: v.phone, whatsapp: v.whatsapp,
        is_primary: ctx.d.bool(v.isPrimary), created_at: nowIso(ctx),
      };
      await ctx.db.insertInto('contacts').values(row).execute();
      return this.#toContact(row);
    });
  }

  /** Contacts in scope, optionally of one agency and/or role; primary contacts first. */
  async list(scope: AgencyScope, filter: { agencyId?: string; role?: ContactRole } = {}): Promise<Contact[]> {
    const rows = await run(this.#ctx, 'listing contacts', (db) => {
      let q = db.selectFrom('contacts').selectAll().where(scopeFilter('agency_id', scope));
      if (filter.agencyId !== undefined) q = q.where('agency_id', '=', filter.agencyId);
      if (filter.role !== undefined) q = q.where('role', '=', filter.role);
      return q.orderBy('agency_id').orderBy('is_primary', 'desc').orderBy('name').execute();
    });
    return rows.map((r) => this.#toContact(r));
  }

  async get(scope: AgencyScope, id: string): Promise<Contact> {
    const r = await run(this.#ctx, 'reading a contact', (db) =>
      db.selectFrom('contacts').selectAll().where('id', '=', id).where(scopeFilter('agency_id', scope)).executeTakeFirst(),
    );
    if (r === undefined) throw notFound('contact', id);
    return this.#toContact(r);
  }

  /**
   * Change a contact: the patch is merged over the stored values and validated as a whole (a contact
   * must keep one way to reach it). Becoming primary demotes the previous primary of the same role, in
   * the same transaction as add() does.
   */
  async update(scope: AgencyScope, id: string, patch: Partial<ContactInput>): Promise<Contact> {
    return tx(this.#ctx, `updating contact ${id}`, async (ctx) => {
      const cur = await new ContactRepo(ctx).get(scope, id);
      const v = validateContactInput({
        name: patch.name ?? cur.name, role: patch.role ?? cur.role,
        email: patch.email === undefined ? cur.email : patch.email,
        phone: patch.phone === undefined ? cur.phone : patch.phone,
        whatsapp: patch.whatsapp === undefined ? cur.whatsapp : patch.whatsapp,
        isPrimary: patch.isPrimary ?? cur.isPrimary,
      });
      if (v.isPrimary) {
        await ctx.db.updateTable('contacts').set({ is_primary: ctx.d.bool(false) })
          .where('agency_id', '=', cur.agencyId).where('role', '=', v.role).where('id', '!=', id).execute();
      }
      await ctx.db.updateTable('contacts').set({ name: v.name, role: v.role, email: v.email, phone: v.phone, whatsapp: v.whatsapp, is_primary: ctx.d.bool(v.isPrimary) })
        .where('id', '=', id).execute();
      return { ...cur, name: v.name, role: v.role, email: v.email, phone: v.phone, whatsapp: v.whatsapp, isPrimary: v.isPrimary };
    });
  }

  async remove(scope: AgencyScope, id: string): Promise<void> {
    await tx(this.#ctx, `removing contact ${id}`, async (ctx) => {
      const r = await ctx.db.selectFrom('contacts').select(['agency_id']).where('id', '=', id).executeTakeFirst();
      if (r === undefined) throw notFound('contact', id);
      assertInScope(scope, r.agency_id, 'contact', id);
      await ctx.db.deleteFrom('contacts').where('id', '=', id).execute();
    });
  }
}
