// The incident documents from the store, once for every caller (the API's JSON and PDF routes, the CLI):
// the dossier and the settings read in the caller's scope, the BSSN report type chosen the documented way
// (docs/incidents.md "Documents": initial before any BSSN send, update after, final once closed), and the
// PDFs rendered from the same objects the JSON carries.

import { validationError } from '../../domain/errors.js';
import { buildBssnReport, buildPdpNotice } from '../../domain/incident-report.js';
import type { Assistance, BssnReport, BssnReportType, IncidentSettings } from '../../domain/incident-report.js';
import { PLAYBOOK_ROLES, roleCard } from '../../domain/playbook.js';
import type { PlaybookDefinition, PlaybookRole } from '../../domain/playbook.js';
import type { AgencyScope, Store } from '../../store/index.js';
import { bssnReportPdf } from './bssn-report.js';
import type { Lang } from './common.js';
import { pdpNoticePdf } from './pdp-notice.js';
import type { PdpNotice } from './pdp-notice.js';
import { roleCardsPdf } from './role-card.js';

export interface BssnRequest {
  readonly type?: BssnReportType | undefined;
  readonly assistance?: Assistance | undefined;
  /** When the report is produced (its "sent" stamp until a send is recorded). */
  readonly at: string;
}

export async function bssnReportOf(store: Store, scope: AgencyScope, incidentId: string, o: BssnRequest): Promise<{ report: BssnReport; settings: IncidentSettings }> {
  const [dossier, settings] = await Promise.all([store.incidents.dossier(scope, incidentId), store.incidents.settings()]);
  const sent = dossier.regulatory.filter((x) => x.kind.startsWith('bssn-')).length;
  const type = o.type ?? (dossier.incident.phase === 'closed' ? 'final' : sent === 0 ? 'initial' : 'update');
  return { report: buildBssnReport(dossier, settings, { type, at: o.at, sequence: sent, assistance: o.assistance ?? 'none' }), settings };
}

export async function pdpNoticeOf(store: Store, scope: AgencyScope, incidentId: string, at: string): Promise<{ notice: PdpNotice; settings: IncidentSettings }> {
  const [dossier, settings] = await Promise.all([store.incidents.dossier(scope, incidentId), store.incidents.settings()]);
  return { notice: buildPdpNotice(dossier, settings, at), settings };
}

export async function bssnReportFile(store: Store, scope: AgencyScope, incidentId: string, o: BssnRequest & { readonly lang?: Lang | undefined }): Promise<{ pdf: Buffer; report: BssnReport }> {
  const { report } = await bssnReportOf(store, scope, incidentId, o);
  return { pdf: await bssnReportPdf(report, { lang: o.lang ?? 'id', createdAt: new Date(o.at) }), report };
}

export async function pdpNoticeFile(store: Store, scope: AgencyScope, incidentId: string, o: { readonly at: string; readonly lang?: Lang | undefined }): Promise<{ pdf: Buffer; notice: PdpNotice }> {
  const { notice, settings } = await pdpNoticeOf(store, scope, incidentId, o.at);
  return { pdf: await pdpNoticePdf(notice, { lang: o.lang ?? 'id', createdAt: new Date(o.at), timeZone: settings.timeZone }), notice };
}

/** The step cards of a playbook version: the roles asked for (default every role), one page each. */
export function playbookCardsFile(def: PlaybookDefinition, version: number, o: { readonly roles?: readonly PlaybookRole[] | undefined; readonly symptoms?: readonly string[] | undefined; readonly lang?: Lang | undefined; readonly at: string }): Promise<Buffer> {
  const roles = o.roles !== undefined && o.roles.length > 0 ? o.roles : PLAYBOOK_ROLES;
  return roleCardsPdf(roles.map((r) => roleCard(def, r, o.symptoms ?? [])), { lang: o.lang ?? 'id', createdAt: new Date(o.at), version });
}

/** The step cards of every playbook attached to an incident, the branches marked by its reports' symptoms. */
export async function incidentCardsFile(store: Store, scope: AgencyScope, incidentId: string, o: { readonly lang?: Lang | undefined; readonly at: string }): Promise<Buffer> {
  const [runs, reports] = await Promise.all([store.playbooks.runs(scope, incidentId), store.incidentReports.ofIncident(scope, incidentId)]);
  const symptoms = [...new Set(reports.flatMap((r) => r.symptoms))];
  const cards = runs.flatMap((run) => PLAYBOOK_ROLES.map((r) => roleCard(run.playbook.definition, r, symptoms))).filter((c) => c.steps.length > 0);
  if (cards.length === 0) throw validationError('no playbook with steps is attached to this incident', { field: 'playbookId', reason: 'none' });
  return roleCardsPdf(cards, { lang: o.lang ?? 'id', createdAt: new Date(o.at) });
}
