// Service identification from a port number and the first bytes a server sent (its banner).
//
// The rules are data: each names a service and gives either a regular expression over the banner
// decoded as latin1 (one char per byte, so binary magic is written as \xNN and a match can never
// fail on invalid UTF-8), or a byte prefix. Capture groups name the product, version and extra
// info. Rules are tried in order and the first match wins, so specific rules (a product's exact
// greeting) come before generic ones (any "220 " greeting). When no rule matches, the port number
// is looked up in PORT_NAMES (port-names.ts), like nmap's "table" method.
//
// Names follow nmap's vocabulary (microsoft-ds, ms-wbt-server, ssl, …) because the XML output is
// nmap-compatible and ndiff/importers compare service names.
/* eslint-disable no-control-regex -- binary protocol magic (SMB, RDP, TLS, telnet, MySQL) is matched as \xNN bytes on purpose */

import { PORT_NAMES, TLS_PORTS } from './port-names.js';

export type ServiceMethod = 'probed' | 'table';

export interface ServiceGuess {
  readonly service: string;
  /** probed = recognised from the banner; table = only the port number's usual service. */
  readonly method: ServiceMethod;
  readonly product?: string;
  readonly version?: string;
  /** Free-form detail (nmap's <service extrainfo=…>), e.g. an OS string or a protocol version. */
  readonly extrainfo?: string;
}

type Detail = Pick<ServiceGuess, 'product' | 'version' | 'extrainfo'>;

export interface BannerRule {
  readonly service: string;
  /** Regex over the latin1 text of the banner, or a byte prefix at offset 0. */
  readonly pattern: RegExp | readonly number[];
  /** The rule only applies on these ports (used where a greeting is ambiguous, e.g. "220 "). */
  readonly ports?: readonly number[];
  /** Another name for the service on specific ports (SMB on 139 is netbios-ssn). */
  readonly nameOnPort?: Readonly<Record<number, string>>;
  /** A literal product name, or the index of the capture group holding it. */
  readonly product?: string | number;
  readonly version?: number;
  readonly extrainfo?: number;
  /** For binary fields a capture group cannot express (little-endian dialect numbers, …). */
  readonly decode?: (m: RegExpExecArray) => Detail;
  /** Where the format is specified. */
  readonly ref: string;
}

/** Rules look at this much of a banner at most; it bounds the regex work on hostile input. */
const MAX_MATCH_BYTES = 4096;

const SMTP_PORTS = [25, 465, 587, 2525] as const;

/** TLS on a port whose usual service is TLS-wrapped keeps that name (https on 443, imaps on 993…). */
const TLS_NAMES: Readonly<Record<number, string>> = Object.fromEntries(
  [...TLS_PORTS].flatMap((p) => {
    const name = PORT_NAMES.get(p);
    return name === undefined ? [] : [[p, name]];
  }),
);

const SMB2_DIALECTS: Readonly<Record<number, string>> = {
  0x0202: '2.0.2',
  0x0210: '2.1',
  0x0300: '3.0',
  0x0302: '3.0.2',
  0x0311: '3.1.1',
  0x02ff: '2.x', // "SMB2 wildcard": the server wants a second, SMB2-only negotiate
};

// [MS-RDPBCGR] 2.2.1.2.1 RDP_NEG_RSP selectedProtocol values.
const RDP_PROTOCOLS: Readonly<Record<number, string>> = {
  0: 'standard RDP security',
  1: 'TLS',
  2: 'CredSSP (NLA)',
  4: 'RDSTLS',
  8: 'CredSSP with early user auth',
  16: 'RDS AAD auth',
};

function le16(s: string, at = 0): number {
  return (s.charCodeAt(at) & 0xff) | ((s.charCodeAt(at + 1) & 0xff) << 8);
}

function le32(s: string): number {
  return (le16(s, 0) + le16(s, 2) * 0x10000) >>> 0;
}

/** MySQL/MariaDB server version string -> product/version ("5.5.5-10.11.6-MariaDB-0+deb12u1"). */
function mysqlVersion(m: RegExpExecArray): Detail {
  const v = m[1] ?? '';
  const maria = /(?:^5\.5\.5-)?(\d+(?:\.\d+)*)[^-]*-MariaDB/.exec(v);
  if (maria) return { product: 'MariaDB', version: maria[1] };
  const num = /^\d+(?:\.\d+)*/.exec(v);
  const rest = v.slice(num?.[0].length ?? 0).replace(/^[-_]/, '');
  return { product: 'MySQL', version: num?.[0], extrainfo: rest === '' ? undefined : rest };
}

export const BANNER_RULES: readonly BannerRule[] = [
  // --- SSH. RFC 4253 §4.2: "SSH-protoversion-softwareversion SP comments CR LF"; the server may send
  // other lines first, so the identification is searched at any line start.
  {
    service: 'ssh',
    pattern: /(?:^|\n)SSH-(\d+\.\d+)-([^\s_-]+)(?:_([^\s-]+))?[^\s]*(?: ([^\r\n]*))?/,
    decode: (m) => ({
      product: m[2],
      version: m[3],
      extrainfo: [m[4], `protocol ${m[1] ?? ''}`].filter((x) => x !== undefined && x !== '').join('; '),
    }),
    ref: 'RFC 4253 §4.2',
  },

  // --- HTTP. RFC 9112 §4 status line; RFC 9110 §10.2.4 "Server: product/version (comment)".
  // Header lines are skipped one at a time and the search stops at the blank line (end of headers).
  {
    service: 'http',
    pattern:
      /^HTTP\/\d(?:\.\d)? \d{3}[^\n]*\n(?:[^\r\n][^\n]*\n)*?Server:[ \t]*([^\s/]+)(?:\/([^\s(]+))?[ \t]*(?:\(([^)\r\n]*)\))?/i,
    product: 1,
    version: 2,
    extrainfo: 3,
    ref: 'RFC 9112 §4, RFC 9110 §10.2.4',
  },
  { service: 'http', pattern: /^HTTP\/\d(?:\.\d)? \d{3}\b/, ref: 'RFC 9112 §4' },
  { service: 'rtsp', pattern: /^RTSP\/1\.0 \d{3}\b/, ref: 'RFC 2326 §7.1' },
  { service: 'sip', pattern: /^SIP\/2\.0 \d{3}\b/, ref: 'RFC 3261 §7.2' },

  // --- SMTP greetings (RFC 5321 §4.2: "220 domain ESMTP text"), before FTP: both start with 220.
  {
    service: 'smtp',
    pattern: /^220[ -]\S+ E?SMTP Postfix(?: \(([^)\r\n]*)\))?/,
    product: 'Postfix smtpd',
    extrainfo: 1,
    ref: 'RFC 5321 §4.2',
  },
  { service: 'smtp', pattern: /^220[ -]\S+ E?SMTP Exim (\d[\w.]*)/, product: 'Exim smtpd', version: 1, ref: 'RFC 5321 §4.2' },
  { service: 'smtp', pattern: /^220[ -]\S+ E?SMTP Sendmail (\d[\w.]*)/, product: 'Sendmail', version: 1, ref: 'RFC 5321 §4.2' },
  { service: 'smtp', pattern: /^220[ -]\S+ Microsoft ESMTP MAIL Service/, product: 'Microsoft Exchange smtpd', ref: 'RFC 5321 §4.2' },
  { service: 'smtp', pattern: /^220[ -][^\r\n]*\bE?SMTP\b/i, ref: 'RFC 5321 §4.2' },
  { service: 'smtp', pattern: /^220[ -]/, ports: SMTP_PORTS, ref: 'RFC 5321 §4.2' },

  // --- FTP greetings (RFC 959 §4.2: reply code 220 "Service ready for new user").
  { service: 'ftp', pattern: /^220[ -]\(vsFTPd (\d[\w.]*)\)/, product: 'vsftpd', version: 1, ref: 'RFC 959 §4.2' },
  { service: 'ftp', pattern: /^220[ -]ProFTPD(?: (\d[\w.]*))? Server/, product: 'ProFTPD', version: 1, ref: 'RFC 959 §4.2' },
  { service: 'ftp', pattern: /^220[ -][^\r\n]*Pure-FTPd/, product: 'Pure-FTPd', ref: 'RFC 959 §4.2' },
  {
    service: 'ftp',
    pattern: /^220[ -]FileZilla Server(?: version)?(?: (\d[\w.]*(?: beta)?))?/,
    product: 'FileZilla ftpd',
    version: 1,
    ref: 'RFC 959 §4.2',
  },
  { service: 'ftp', pattern: /^220[ -]Microsoft FTP Service/, product: 'Microsoft ftpd', ref: 'RFC 959 §4.2' },
  { service: 'ftp', pattern: /^220[ -]/, ref: 'RFC 959 §4.2' },

  // --- POP3 (RFC 1939 §4: greeting "+OK …") and IMAP (RFC 9051 §7.1: "* OK", "* PREAUTH").
  {
    service: 'pop3',
    pattern: /^\+OK Dovecot(?: \(([^)\r\n]*)\))? ready/,
    product: 'Dovecot pop3d',
    extrainfo: 1,
    ref: 'RFC 1939 §4',
  },
  { service: 'pop3', pattern: /^\+OK\b/, ref: 'RFC 1939 §4' },
  {
    service: 'imap',
    pattern: /^\* OK (?:\[[^\]\r\n]*\] )?Dovecot(?: \(([^)\r\n]*)\))? ready/,
    product: 'Dovecot imapd',
    extrainfo: 1,
    ref: 'RFC 9051 §7.1',
  },
  { service: 'imap', pattern: /^\* OK (?:\[[^\]\r\n]*\] )?Courier-IMAP/, product: 'Courier Imapd', ref: 'RFC 9051 §7.1' },
  { service: 'imap', pattern: /^\* OK The Microsoft Exchange IMAP4 service/, product: 'Microsoft Exchange imapd', ref: 'RFC 9051 §7.1' },
  { service: 'imap', pattern: /^\* (?:OK|PREAUTH)\b/, ref: 'RFC 9051 §7.1' },
  { service: 'nntp', pattern: /^20[01][ -][^\r\n]*\b(?:NNTP|NNRP|InterNetNews)\b/i, ref: 'RFC 3977 §5.1' },
  { service: 'irc', pattern: /^:\S+ NOTICE (?:AUTH|\*) :/, ref: 'RFC 2812 §3.3.2' },
  { service: 'rsync', pattern: /^@RSYNCD: (\d+(?:\.\d+)?)/, decode: (m) => ({ extrainfo: `protocol ${m[1] ?? ''}` }), ref: 'rsync(1) daemon protocol' },

  // --- SMB. A 4-byte NetBIOS session header (RFC 1002 §4.3.1: type 0x00 = session message, then a
  // length; on 445 the same framing is "direct TCP", [MS-SMB2] 2.1) followed by the protocol id.
  // SMB2 NEGOTIATE response ([MS-SMB2] 2.2.4): after the 64-byte header, StructureSize 65 (0x41 0x00),
  // SecurityMode (2 bytes) and DialectRevision (little-endian).
  {
    service: 'microsoft-ds',
    pattern: /^\x00[\s\S]{3}\xfeSMB[\s\S]{60}\x41\x00[\s\S]{2}([\s\S]{2})/,
    nameOnPort: { 139: 'netbios-ssn' },
    decode: (m) => {
      const d = le16(m[1] ?? '');
      return { product: 'SMB', version: SMB2_DIALECTS[d] ?? `0x${d.toString(16).padStart(4, '0')}` };
    },
    ref: '[MS-SMB2] 2.2.4',
  },
  { service: 'microsoft-ds', pattern: /^\x00[\s\S]{3}\xfeSMB/, nameOnPort: { 139: 'netbios-ssn' }, product: 'SMB', ref: '[MS-SMB2] 2.2.1' },
  // SMB1 header ([MS-CIFS] 2.2.3.1): protocol id 0xFF 'S' 'M' 'B'. SMBv1 is what WannaCry needs.
  {
    service: 'microsoft-ds',
    pattern: /^\x00[\s\S]{3}\xffSMB/,
    nameOnPort: { 139: 'netbios-ssn' },
    decode: () => ({ product: 'SMB', version: '1' }),
    ref: '[MS-CIFS] 2.2.3.1',
  },
  // NetBIOS session service replies without SMB (RFC 1002 §4.3.3-4.3.7): positive (0x82) and negative
  // (0x83) session responses, keepalive (0x85). Only meaningful on 139: four such bytes are too weak
  // a signature elsewhere.
  { service: 'netbios-ssn', pattern: [0x82, 0x00, 0x00, 0x00], ports: [139], ref: 'RFC 1002 §4.3.3' },
  { service: 'netbios-ssn', pattern: /^\x83\x00\x00\x01[\x80-\x83\x8f]/, ports: [139], ref: 'RFC 1002 §4.3.4' },
  { service: 'netbios-ssn', pattern: [0x85, 0x00, 0x00, 0x00], ports: [139], ref: 'RFC 1002 §4.3.7' },

  // --- RDP: TPKT header (RFC 1006 §6: version 3, reserved 0, 16-bit length), then an X.224 Connection
  // Confirm TPDU (ITU-T X.224 §13.4: length indicator, code 0xD0, dst-ref, src-ref, class). An
  // RDP_NEG_RSP (type 0x02, [MS-RDPBCGR] 2.2.1.2.1) may follow with the selected security protocol.
  {
    service: 'ms-wbt-server',
    pattern: /^\x03\x00[\s\S]{2}[\x06-\xfe]\xd0[\s\S]{5}(?:\x02[\s\S]\x08\x00([\s\S]{4}))?/,
    decode: (m) => {
      if (m[1] === undefined) return {};
      const p = le32(m[1]);
      return { extrainfo: `security: ${RDP_PROTOCOLS[p] ?? `0x${p.toString(16)}`}` };
    },
    ref: 'RFC 1006 §6, [MS-RDPBCGR] 2.2.1.2',
  },

  // --- Telnet: the server opens with option negotiation, IAC (255) then WILL/WONT/DO/DONT (251-254)
  // or SB (250) (RFC 854, "TELNET COMMAND STRUCTURE").
  { service: 'telnet', pattern: /^\xff[\xfa-\xfe]/, ref: 'RFC 854' },

  // --- MySQL/MariaDB Protocol::HandshakeV10: 3-byte payload length, sequence id 0, protocol version
  // 10, NUL-terminated server version. A refused client instead gets an ERR packet (0xFF, errno, …).
  {
    service: 'mysql',
    pattern: /^[\s\S]{3}\x00\x0a(\d[\x20-\x7e]{0,80}?)\x00/,
    decode: mysqlVersion,
    ref: 'MySQL client/server protocol, Protocol::HandshakeV10',
  },
  {
    service: 'mysql',
    pattern: /^[\s\S]{3}\x00\xff[\s\S]{2}(?:#[0-9A-Z]{5})?(?:Host '|Too many connections)/,
    decode: () => ({ extrainfo: 'connection refused by server' }),
    ref: 'MySQL client/server protocol, ERR_Packet',
  },

  // --- Redis answers, in RESP (https://redis.io/docs/latest/develop/reference/protocol-spec/), to
  // whatever probe was sent: INFO output, or errors only Redis words this way.
  { service: 'redis', pattern: /^\$\d+\r\n# Server\r\nredis_version:(\d[\w.]*)/, product: 'Redis key-value store', version: 1, ref: 'RESP bulk string' },
  {
    service: 'redis',
    pattern: /^-(?:NOAUTH Authentication required|DENIED Redis is running in protected mode|ERR unknown command)/,
    product: 'Redis key-value store',
    ref: 'RESP simple error',
  },

  // --- VNC: RFC 6143 §7.1.1 ProtocolVersion "RFB 003.008\n".
  {
    service: 'vnc',
    pattern: /^RFB (\d{3})\.(\d{3})\n/,
    decode: (m) => ({ product: 'VNC', extrainfo: `protocol ${Number(m[1])}.${Number(m[2])}` }),
    ref: 'RFC 6143 §7.1.1',
  },

  // --- TLS record layer (RFC 8446 §5.1; RFC 5246 §6.2.1): content type handshake (22) or alert (21),
  // legacy version 3.x, 16-bit length; a handshake must be a ServerHello (type 2) here.
  { service: 'ssl', pattern: /^\x16\x03[\x00-\x04][\s\S]{2}\x02/, nameOnPort: TLS_NAMES, ref: 'RFC 8446 §5.1' },
  { service: 'ssl', pattern: /^\x15\x03[\x00-\x04]\x00\x02[\x01\x02]/, nameOnPort: TLS_NAMES, ref: 'RFC 8446 §6' },
];

function capture(m: RegExpExecArray, spec: string | number | undefined): string | undefined {
  if (typeof spec === 'string') return spec;
  if (spec === undefined) return undefined;
  const v = m[spec]?.trim();
  return v === undefined || v === '' ? undefined : v;
}

function execRule(rule: BannerRule, text: string): RegExpExecArray | null {
  if (rule.pattern instanceof RegExp) return rule.pattern.exec(text);
  const bytes = rule.pattern;
  if (text.length < bytes.length) return null;
  for (let i = 0; i < bytes.length; i++) if (text.charCodeAt(i) !== bytes[i]) return null;
  const m = [text.slice(0, bytes.length)] as unknown as RegExpExecArray;
  m.index = 0;
  m.input = text;
  return m;
}

/** The port's usual service name, if it is in the table. */
export function tableServiceName(port: number): string | undefined {
  return PORT_NAMES.get(port);
}

/**
 * Names the service behind `port` from the banner it sent (method "probed"), or from the port
 * number alone (method "table", "unknown" when the port is not in the table). Never throws.
 */
export function guessService(port: number, banner: Uint8Array | null): ServiceGuess {
  if (banner !== null && banner.length > 0) {
    const view = banner.subarray(0, MAX_MATCH_BYTES);
    const text = Buffer.from(view.buffer, view.byteOffset, view.byteLength).toString('latin1');
    for (const rule of BANNER_RULES) {
      if (rule.ports !== undefined && !rule.ports.includes(port)) continue;
      const m = execRule(rule, text);
      if (m === null) continue;
      const detail: Detail = rule.decode
        ? rule.decode(m)
        : { product: capture(m, rule.product), version: capture(m, rule.version), extrainfo: capture(m, rule.extrainfo) };
      return compact({
        service: rule.nameOnPort?.[port] ?? rule.service,
        method: 'probed',
        product: detail.product,
        version: detail.version,
        extrainfo: detail.extrainfo,
      });
    }
  }
  return { service: tableServiceName(port) ?? 'unknown', method: 'table' };
}

/** Drops undefined and empty optional fields so results compare cleanly with deepEqual. */
function compact(g: ServiceGuess): ServiceGuess {
  const out: { -readonly [K in keyof ServiceGuess]: ServiceGuess[K] } = { service: g.service, method: g.method };
  if (g.product !== undefined && g.product !== '') out.product = g.product;
  if (g.version !== undefined && g.version !== '') out.version = g.version;
  if (g.extrainfo !== undefined && g.extrainfo !== '') out.extrainfo = g.extrainfo;
  return out;
}

function isSpace(b: number): boolean {
  return b === 0x20 || (b >= 0x09 && b <= 0x0d);
}

function isPrintable(b: number): boolean {
  return b >= 0x20 && b <= 0x7e;
}

const HEX = '0123456789ABCDEF';

/**
 * Banner bytes -> printable ASCII for display and storage: printable ASCII stays, a backslash becomes
 * "\\", every other byte "\xNN" (uppercase hex, as nmap's banner script writes it). The escaping is
 * reversible (unescapeBanner), so output writers can re-run guessService on a stored banner.
 * Trailing whitespace (the CR LF ending a greeting) is trimmed, and leading whitespace when text
 * follows it; leading whitespace before binary data is kept, since it can be a length byte. The
 * result is at most `max` characters and never ends inside an escape.
 */
export function sanitizeBanner(buf: Uint8Array, max = 256): string {
  let end = buf.length;
  while (end > 0 && isSpace(buf[end - 1] ?? 0)) end--;
  let start = 0;
  while (start < end && isSpace(buf[start] ?? 0)) start++;
  if (start < end && !isPrintable(buf[start] ?? 0)) start = 0;
  let out = '';
  for (let i = start; i < end; i++) {
    const b = buf[i] ?? 0;
    const piece =
      b === 0x5c ? '\\\\' : isPrintable(b) ? String.fromCharCode(b) : `\\x${HEX[b >> 4] ?? '0'}${HEX[b & 15] ?? '0'}`;
    if (out.length + piece.length > max) break;
    out += piece;
  }
  return out;
}

/**
 * Inverse of sanitizeBanner: "\\" -> backslash, "\xNN" -> that byte, any other char -> its latin1
 * byte ('?' above U+00FF). Tolerates text that was not produced by sanitizeBanner.
 */
export function unescapeBanner(s: string): Buffer {
  const out: number[] = [];
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x5c && s[i + 1] === '\\') {
      out.push(0x5c);
      i++;
    } else if (c === 0x5c && s[i + 1] === 'x' && /^[0-9A-Fa-f]{2}$/.test(s.slice(i + 2, i + 4))) {
      out.push(parseInt(s.slice(i + 2, i + 4), 16));
      i += 3;
    } else {
      out.push(c <= 0xff ? c : 0x3f);
    }
  }
  return Buffer.from(out);
}
