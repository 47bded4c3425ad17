// Alert text: Bahasa Indonesia first, then English (the terms Indonesian government IT staff use: KRITIS/TINGGI/SEDANG/RENDAH,
// instansi, terdeteksi). One rendering per message, shaped per channel:
//   subject — one line, control characters removed (no header injection: RFC 5322 §2.2 unfolded header
//             fields cannot carry CR/LF; nodemailer also RFC 2047-encodes non-ASCII);
//   text    — plain text (email text/plain, webhook JSON);
//   html    — email text/html, every interpolated value escaped;
//   telegram — Telegram Bot API "HTML style": only <b>, <i>, <code>, <pre>, <a> … are tags, and the text must
//             escape <, > and & as &lt; &gt; &amp; (https://core.telegram.org/bots/api#html-style).
// Hostnames, banners and titles come from the scanned network, i.e. from whoever runs the host: hostile.

import type { Severity } from '../domain/finding.js';

export interface AlertContext {
  readonly topic: string;
  readonly dedupKey: string;
  readonly agency: { readonly id: string; readonly code: string; readonly name: string } | null;
  readonly severity: Severity | null;
  readonly ip: string | null;
  readonly hostname: string | null;
  readonly port: number | null;
  readonly title: { readonly id: string; readonly en: string } | null;
  readonly findingRule: string | null;
  /** Service name or banner of a changed port, when the change detector supplied one. */
  readonly service: string | null;
  readonly at: string;
  /** A paragraph in both languages (circular messages: what the agency is asked to do). */
  readonly detail?: { readonly id: string; readonly en: string } | null;
  /** A link for the recipient (a circular's per-agency link, minted when the message is sent). */
  readonly link?: string | null;
}

export interface RenderedAlert {
  readonly subject: string;
  readonly text: string;
  readonly html: string;
  readonly telegram: string;
}

const SEVERITY_ID: Record<Severity, string> = { critical: 'KRITIS', high: 'TINGGI', medium: 'SEDANG', low: 'RENDAH' };
const SEVERITY_EN: Record<Severity, string> = { critical: 'CRITICAL', high: 'HIGH', medium: 'MEDIUM', low: 'LOW' };

/** Escape for HTML text and double-quoted attribute values (email HTML and Telegram's HTML style). */
export function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** One line, no C0/C1 controls (CR, LF, ESC …), bounded length: safe in a header and a terminal. */
export function oneLine(s: string, max = 200): string {
  // eslint-disable-next-line no-control-regex
  const clean = s.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g, ' ').replace(/\s+/g, ' ').trim();
  return clean.length > max ? `${clean.slice(0, max - 1)}…` : clean;
}

function hostLabel(c: AlertContext): string {
  const ip = c.ip ?? 'host tak dikenal';
  return c.hostname !== null && c.hostname !== '' ? `${ip} [${oneLine(c.hostname, 80)}]` : ip;
}

function headline(c: AlertContext): { id: string; en: string } {
  const host = hostLabel(c);
  const titleId = c.title !== null ? oneLine(c.title.id, 120) : c.findingRule ?? c.topic;
  const titleEn = c.title !== null ? oneLine(c.title.en, 120) : c.findingRule ?? c.topic;
  const svc = c.service !== null && c.service !== '' ? ` (${oneLine(c.service, 60)})` : '';
  switch (c.topic) {
    case 'finding.opened':
      return { id: `${titleId} pada ${host}`, en: `${titleEn} on ${host}` };
    case 'finding.reopened':
      return { id: `Muncul kembali: ${titleId} pada ${host}`, en: `Reappeared: ${titleEn} on ${host}` };
    case 'finding.resolved':
      return { id: `Selesai: ${titleId} pada ${host}`, en: `Resolved: ${titleEn} on ${host}` };
    case 'finding.exception':
      return { id: `Pengecualian dicatat: ${titleId} pada ${host}`, en: `Exception recorded: ${titleEn} on ${host}` };
    case 'finding.exception-ended':
      return { id: `Pengecualian berakhir: ${titleId} pada ${host}`, en: `Exception ended: ${titleEn} on ${host}` };
    case 'change.port-opened':
      return { id: `Port ${c.port ?? '?'}${svc} baru terbuka pada ${host}`, en: `Port ${c.port ?? '?'}${svc} newly open on ${host}` };
    case 'change.port-closed':
      return { id: `Port ${c.port ?? '?'} tertutup pada ${host}`, en: `Port ${c.port ?? '?'} closed on ${host}` };
    case 'change.check-changed':
      return { id: `${titleId} pada ${host}`, en: `${titleEn} on ${host}` };
    case 'change.service-changed':
      return { id: `Layanan pada port ${c.port ?? '?'}${svc} berubah pada ${host}`, en: `Service on port ${c.port ?? '?'}${svc} changed on ${host}` };
    case 'change.host-new':
      return { id: `Host baru terdeteksi: ${host}`, en: `New host detected: ${host}` };
    case 'change.host-gone':
      return { id: `Host tidak terlihat lagi: ${host}`, en: `Host no longer seen: ${host}` };
    default:
      // Incident, circular, report-card and worker messages (docs/incidents.md, docs/circulars.md, docs/deploy.md) carry their own sentence in the payload's title.
      if ((c.topic.startsWith('incident.') || c.topic.startsWith('circular.') || c.topic.startsWith('report-card.') || c.topic.startsWith('worker.')) && c.title !== null) return { id: titleId, en: titleEn };
      return { id: `Perubahan ${c.topic} pada ${host}`, en: `Change ${c.topic} on ${host}` };
  }
}

export function renderAlert(c: AlertContext): RenderedAlert {
  const h = headline(c);
  const agency = c.agency !== null ? oneLine(c.agency.name, 100) : null;
  const sevId = c.severity !== null ? `${SEVERITY_ID[c.severity]}: ` : '';
  const sevEn = c.severity !== null ? `${SEVERITY_EN[c.severity]}: ` : '';
  const subject = oneLine(`[Perisai] ${sevId}${h.id}${agency !== null ? ` (${agency})` : ''}`, 250);

  const rows: [string, string, string | null][] = [
    ['Instansi', 'Agency', agency !== null && c.agency !== null ? `${agency} (${oneLine(c.agency.code, 40)})` : null],
    ['Alamat IP', 'IP address', c.ip],
    ['Nama host', 'Host name', c.hostname !== null && c.hostname !== '' ? oneLine(c.hostname, 120) : null],
    ['Port', 'Port', c.port !== null ? String(c.port) : null],
    ['Tingkat', 'Severity', c.severity !== null ? `${SEVERITY_ID[c.severity]} / ${SEVERITY_EN[c.severity]}` : null],
    ['Aturan', 'Rule', c.findingRule],
    ['Waktu', 'Time', c.at],
    ['Kunci', 'Key', c.dedupKey],
  ];
  const present = rows.filter((r): r is [string, string, string] => r[2] !== null);
  const actionId = `${c.detail ? `${oneLine(c.detail.id, 1000)} ` : ''}${c.link ? `Tautan: ${c.link} ` : ''}Mohon segera ditindaklanjuti oleh pengelola TI instansi. Pesan ini dikirim otomatis oleh Perisai (Diskominfo).`;
  const actionEn = `${c.detail ? `${oneLine(c.detail.en, 1000)} ` : ''}${c.link ? `Link: ${c.link} ` : ''}Please have the agency IT staff follow up promptly. This message was sent automatically by Perisai (Diskominfo).`;

  const text = [
    `${sevId}${h.id}`,
    '',
    ...present.map(([id, en, v]) => `${id} / ${en}: ${v}`),
    '',
    actionId,
    '',
    '-- English --',
    `${sevEn}${h.en}`,
    actionEn,
  ].join('\n');

  const html = [
    '<!doctype html><html><body>',
    `<p><strong>${escapeHtml(`${sevId}${h.id}`)}</strong></p>`,
    '<table>',
    ...present.map(([id, en, v]) => `<tr><th align="left">${escapeHtml(id)} / ${escapeHtml(en)}</th><td>${escapeHtml(v)}</td></tr>`),
    '</table>',
    `<p>${escapeHtml(actionId)}</p>`,
    '<hr>',
    `<p lang="en"><strong>${escapeHtml(`${sevEn}${h.en}`)}</strong><br>${escapeHtml(actionEn)}</p>`,
    '</body></html>',
  ].join('\n');

  const telegramFull = [
    `<b>${escapeHtml(`[Perisai] ${sevId}${h.id}`)}</b>`,
    ...present.map(([id, , v]) => `${escapeHtml(id)}: <code>${escapeHtml(v)}</code>`),
    '',
    `<i>${escapeHtml(`${sevEn}${h.en}`)}</i>`,
  ].join('\n');
  // sendMessage text is limited to 4096 characters after entity parsing; cut on a line, never inside a tag.
  const telegram = telegramFull.length <= 4000 ? telegramFull : `${telegramFull.slice(0, telegramFull.lastIndexOf('\n', 3990))}\n…`;

  return { subject, text, html, telegram };
}
