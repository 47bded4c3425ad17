// The files the office's e-mails carry (docs/circulars.md "Weekly report cards", "Situation reports"): the
// dispatcher asks for them when it sends a message whose payload names `attachments`, and they are
// rendered here from what the store froze — an issued report card, a situation report's board — so a
// retry next hour attaches the same document, and no PDF sits in the outbox.

import type { MailAttachment } from '../alerts/channels.js';
import type { ReportCard, ReportRollup } from '../domain/report-card.js';
import type { SitrepBoard } from '../io/pdf/sitrep.js';
import type { OutboxMessage, Store } from '../store/index.js';

const PDF = 'application/pdf';

function safe(name: string): string {
  return name.replace(/[^A-Za-z0-9._-]+/g, '-');
}

/** The dispatcher's `attachments` option for this store (the PDF renderers load on the first file). */
export function mailAttachments(store: Store): (m: OutboxMessage) => Promise<MailAttachment[]> {
  return async (m) => {
    const { reportCardPdf, rollupPdf } = await import('../io/pdf/report-card.js');
    const { sitrepPdf } = await import('../io/pdf/sitrep.js');
    const p = (m.payload ?? {}) as { attachments?: unknown };
    const out: MailAttachment[] = [];
    for (const a of Array.isArray(p.attachments) ? p.attachments as { kind?: unknown; id?: unknown; campaignId?: unknown }[] : []) {
      if (a.kind === 'report-card' && typeof a.id === 'string') {
        const issued = await store.office.issuedCard(a.id);
        const day = issued.asOf.slice(0, 10);
        if (issued.kind === 'city') {
          const r = issued.card as ReportRollup;
          out.push({ filename: `rapor-kota-${day}.pdf`, contentType: PDF, content: await rollupPdf(r) });
        } else {
          const c = issued.card as ReportCard;
          out.push({ filename: safe(`rapor-${c.agency?.code ?? 'instansi'}-${day}.pdf`), contentType: PDF, content: await reportCardPdf(c) });
        }
      } else if (a.kind === 'sitrep' && typeof a.id === 'string' && typeof a.campaignId === 'string') {
        const s = await store.circulars.sitrep(a.campaignId, a.id);
        const to = (m.payload as { toName?: unknown; toPosition?: unknown });
        out.push({
          filename: `laporan-situasi-${s.version}.pdf`, contentType: PDF,
          content: await sitrepPdf(s.snapshot as SitrepBoard, s.version, { createdBy: s.createdBy, to: typeof to.toName === 'string' ? { name: to.toName, position: typeof to.toPosition === 'string' ? to.toPosition : '' } : null }),
        });
      }
    }
    return out;
  };
}
