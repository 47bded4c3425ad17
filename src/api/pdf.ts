// What every PDF route shares (src/io/pdf renders the documents): the `lang` query, the media type, and
// the reply — inline (a browser shows it; "save" keeps the name), never cached by a shared cache (the
// documents hold personal and TLP:AMBER data), and a sandboxing CSP like the photos route's.

import type { FastifyReply } from 'fastify';
import { Type } from 'typebox';
import { LANGS } from '../io/pdf/common.js';

export const PDF = 'application/pdf';

export const LangQ = Type.Optional(Type.Union(LANGS.map((l) => Type.Literal(l)), { description: 'id (default) or en' }));

export function sendPdf(reply: FastifyReply, pdf: Buffer, name: string): FastifyReply {
  const file = `${name.replace(/[^A-Za-z0-9._-]/g, '_')}.pdf`;
  return reply.type(PDF).header('cache-control', 'private, no-store').header('content-security-policy', "default-src 'none'; sandbox")
    .header('content-disposition', `inline; filename="${file}"`).send(pdf);
}
