// Opening an SMB conversation: direct TCP on 445 (MS-SMB2 2.1), or NetBIOS session service on 139
// with a SESSION REQUEST first (RFC 1002 §4.3.2, docs/smb-detection.md §1.2).
//
// On 139 Windows accepts only its own <20> name or the `*SMBSERVER` alias; a NEGATIVE SESSION
// RESPONSE is followed by a close, so each name is one connection. Samba accepts any name
// [L:ns1_probe_nb139#18]. The caller supplies the names in the order to try (docs/smb-detection.md §1.2: NBSTAT
// <20> name, *SMBSERVER, then names learned elsewhere); at most MAX_NETBIOS_ATTEMPTS are tried.
//
// Frames are read through the protocols FrameReader with a 64 KiB frame cap
// (docs/smb-detection.md §1.1: "far above every message these probes exchange").

import type { Dialer } from '../net/dialer.js';
import { FrameReader, type NbssFrame } from '../protocols/netbios/frame-reader.js';
import { encodeSessionMessage, encodeSessionRequest, NbssType, nbssNegativeCodeName } from '../protocols/netbios/session.js';
import { Conversation } from './conversation.js';
import { ProbeError } from './outcome.js';

export const SMB_MAX_FRAME = 64 * 1024;
export const MAX_NETBIOS_ATTEMPTS = 4;
/** Our calling name in NetBIOS session requests. */
export const CALLING_NAME = 'PERISAI';

export interface NetbiosAttempt {
  readonly name: string;
  readonly result: 'positive' | 'negative' | 'retarget' | 'unexpected';
  /** NEGATIVE SESSION RESPONSE error code. */
  readonly code?: number;
  readonly reason?: string;
}

export interface NetbiosSessionFacts {
  /** The name the server accepted, when one was. */
  readonly calledName?: string;
  readonly attempts: NetbiosAttempt[];
}

export type SmbTransport = 'direct-tcp' | 'netbios';

export function transportForPort(port: number): SmbTransport {
  return port === 139 ? 'netbios' : 'direct-tcp';
}

/** A conversation carrying SMB messages (SMB1 or SMB2) in session messages. */
export class SmbConversation {
  constructor(
    readonly conv: Conversation<NbssFrame>,
    readonly transport: SmbTransport,
  ) {}

  /** Sends one SMB message and returns the next SMB message (the payload of a type-0x00 frame). */
  async exchange(message: Uint8Array, step: string): Promise<Uint8Array> {
    this.conv.write(encodeSessionMessage(message), step);
    return this.read(step);
  }

  async read(step: string): Promise<Uint8Array> {
    const f = await this.conv.read(step);
    if (f.type !== NbssType.SESSION_MESSAGE) {
      throw new ProbeError('protocol-error', `unexpected NetBIOS packet type 0x${f.type.toString(16)} during ${step}`, step);
    }
    return f.payload;
  }

  close(): void {
    this.conv.close();
  }
}

export interface OpenSmbOptions {
  readonly dialer: Dialer;
  readonly ip: string;
  readonly port: number;
  readonly deadline: number;
  readonly signal?: AbortSignal | undefined;
  /** Port 139 only: called names to try, in order (resolved lazily, so later names may depend on other probes). */
  readonly calledNames?: (tried: readonly string[]) => Promise<readonly string[]> | readonly string[];
  /** Port 139 only: filled with each session-request attempt as it happens (kept even when a later step throws). */
  readonly attempts?: NetbiosAttempt[];
}

export interface OpenedSmb {
  readonly smb: SmbConversation | undefined;
  /** Present on 139. `smb` is undefined when every name was refused. */
  readonly netbios?: NetbiosSessionFacts;
}

function frameReader(transport: SmbTransport): FrameReader {
  return new FrameReader({ mode: transport, maxFrameLength: SMB_MAX_FRAME });
}

/**
 * The common start of every SMB probe: open the conversation for a probe's data record `d`, recording the
 * NetBIOS session attempts on it as they happen (kept even when a later step throws). Returns undefined when
 * port 139 refused every called name; the caller records where it stopped.
 */
export async function openSmbFor(
  o: Omit<OpenSmbOptions, 'deadline' | 'attempts'>,
  deadline: number,
  d: { readonly transport: SmbTransport; netbios?: NetbiosSessionFacts },
): Promise<SmbConversation | undefined> {
  const attempts: NetbiosAttempt[] = [];
  if (d.transport === 'netbios') d.netbios = { attempts };
  const opened = await openSmb({ dialer: o.dialer, ip: o.ip, port: o.port, deadline, signal: o.signal, calledNames: o.calledNames, attempts });
  if (opened.netbios) d.netbios = opened.netbios;
  return opened.smb;
}

/**
 * Opens an SMB conversation. Throws ProbeError for transport failures (refused, timeout, reset,
 * garbage). On 139, returns `smb: undefined` when the server refused every called name.
 */
export async function openSmb(o: OpenSmbOptions): Promise<OpenedSmb> {
  const transport = transportForPort(o.port);
  if (transport === 'direct-tcp') {
    const conv = await Conversation.open(o.dialer, o, frameReader(transport));
    return { smb: new SmbConversation(conv, transport) };
  }
  const attempts: NetbiosAttempt[] = o.attempts ?? [];
  const tried: string[] = [];
  for (let i = 0; i < MAX_NETBIOS_ATTEMPTS; i++) {
    const candidates = o.calledNames ? await o.calledNames(tried) : ['*SMBSERVER'];
    const name = candidates.find((n) => !tried.includes(n.toUpperCase()));
    if (name === undefined) break;
    tried.push(name.toUpperCase());
    const conv = await Conversation.open(o.dialer, o, frameReader(transport));
    let keep = false;
    try {
      conv.write(encodeSessionRequest({ calledName: name, callingName: CALLING_NAME }), 'netbios-session');
      const f = await conv.read('netbios-session');
      if (f.type === NbssType.POSITIVE_RESPONSE) {
        attempts.push({ name, result: 'positive' });
        keep = true;
        return { smb: new SmbConversation(conv, transport), netbios: { calledName: name, attempts } };
      }
      if (f.type === NbssType.NEGATIVE_RESPONSE) {
        const code = f.payload[0] ?? 0x8f;
        attempts.push({ name, result: 'negative', code, reason: nbssNegativeCodeName(code) });
        continue;
      }
      if (f.type === NbssType.RETARGET_RESPONSE) {
        // docs/smb-detection.md §1.2: a retarget is "treated as a failure, never followed" to another address.
        attempts.push({ name, result: 'retarget' });
        continue;
      }
      attempts.push({ name, result: 'unexpected', reason: `packet type 0x${f.type.toString(16)}` });
      throw new ProbeError('protocol-error', `answer to the NetBIOS session request has type 0x${f.type.toString(16)}`, 'netbios-session');
    } finally {
      if (!keep) conv.close();
    }
  }
  return { smb: undefined, netbios: { attempts } };
}

/** Valid NetBIOS names we may try: 1–15 single-byte characters, no dots (DNS labels are cut at the first dot). */
export function netbiosCandidate(name: string | undefined): string | undefined {
  if (name === undefined) return undefined;
  const label = name.split('.')[0]?.trim().toUpperCase() ?? '';
  if (label.length === 0 || label.length > 15 || !/^[\x21-\x7e]+$/.test(label)) return undefined;
  return label;
}
