// The catalogues behind the result pages. Checks: what every check of the engine is about, in Indonesian
// and English — title, description, remediation, severity, CVEs and references — straight from the checks'
// own metadata (src/engine/checks/*.ts, listCheckMeta). Risk rules: why an asset got its rating
// (src/domain/risk.ts). Scan results, assets and findings carry only ids and reason codes; the web UI reads
// the texts here, so there is one text per check and per rule.

import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { DEFAULT_RISK_RULES } from '../../domain/risk.js';
import { listCheckMeta } from '../../engine/checks/registry.js';
import { READ } from '../access.js';
import { responses } from '../schemas.js';

const Localized = Type.Object({ id: Type.String(), en: Type.String() });

export const CheckMetaOut = Type.Object({
  id: Type.String(),
  title: Localized,
  description: Localized,
  remediation: Localized,
  severity: Type.String(),
  cve: Type.Array(Type.String()),
  references: Type.Array(Type.String()),
  /** Ports the check is about (UDP when `udp`). */
  ports: Type.Array(Type.Integer()),
  udp: Type.Boolean(),
  /** `port`: one verdict per open port; `host`: one verdict for the host. */
  scope: Type.String(),
});

export function checkRoutes(app: FastifyInstance): void {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  r.get('/api/v1/checks', {
    config: { access: { roles: READ } },
    schema: {
      tags: ['scans'], summary: 'Every check the scanner runs: title, description and remediation in Indonesian and English, severity, CVEs, references',
      response: responses({ 200: Type.Object({ items: Type.Array(CheckMetaOut) }) }),
    },
  }, async () => {
    return {
      items: listCheckMeta().map((m) => ({
        id: m.id, title: m.title, description: m.description, remediation: m.remediation, severity: m.severity,
        cve: [...m.cve], references: [...m.references], ports: [...m.ports], udp: m.udp === true, scope: m.scope,
      })),
    };
  });

  r.get('/api/v1/risk-rules', {
    config: { access: { roles: READ } },
    schema: {
      tags: ['assets'], summary: 'The risk rules an asset\'s rating comes from: id, rating and the reason in Indonesian and English',
      response: responses({ 200: Type.Object({ items: Type.Array(Type.Object({ id: Type.String(), rating: Type.String(), reason: Localized })) }) }),
    },
  }, async () => ({ items: DEFAULT_RISK_RULES.map((rule) => ({ id: rule.id, rating: rule.rating, reason: rule.reason })) }));
}
