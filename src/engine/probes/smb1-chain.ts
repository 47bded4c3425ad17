// The SMB1 conversation behind four checks, on ONE connection (docs/smb-detection.md §5.2, §6):
//
//   [139: NetBIOS SESSION REQUEST]
//   NEGOTIATE "NT LM 0.12" only, no extended security   → SMBv1 accepted? signing? domain/server name
//   SESSION_SETUP_ANDX classic null session (VcNumber 1) → NativeOS / NativeLanMan / PrimaryDomain
//   TREE_CONNECT_ANDX \\<ip>\IPC$
//   TRANSACTION PeekNamedPipe on FID 0                  → MS17-010 status (§5.3)
//   TRANSACTION2 SESSION_SETUP ping, MID 65              → DoublePulsar (MID + 16 = implant, §6.3)
//
// `depth` stops early when fewer checks need it (smbv1 needs only the negotiate). Everything sent
// is read-only: no file is opened, nothing written; the ping is the harmless DoublePulsar opcode
// 0x23 and never any other. The ping is sent even when the peek said "patched" (§6.5: a host
// patched on disk but not rebooted still runs the old driver and any implant).
//
// A protocol-level refusal (SMB1 dialect refused, logon or IPC$ refused, every NetBIOS name
// refused) is a successful probe with `stoppedAt` set; transport problems (reset, timeout,
// garbage, wrong command or MID) are failures with the steps learned so far in `partial`.

import type { Dialer } from '../net/dialer.js';
import { filetimeToIso } from '../protocols/bytes/filetime.js';
import { hex32, toHex } from '../protocols/bytes/hex.js';
import {
  decodeSmb1Message,
  formatSmb1Status,
  isSmb1Success,
  Smb1Command,
  Smb1Flags2,
  type Smb1Header,
  type Smb1Status,
} from '../protocols/smb1/header.js';
import {
  chosenDialect,
  encodeSmb1NegotiateRequest,
  NT_LM_012,
  Smb1Capabilities,
  smb1SigningState,
  type SigningState,
} from '../protocols/smb1/negotiate.js';
import { ntStatusName } from '../protocols/smb1/ntstatus.js';
import { decodeSmb1SessionSetupResponse, encodeSmb1SessionSetupRequest, Smb1SessionAction } from '../protocols/smb1/session-setup.js';
import { decodeSmb1TreeConnectResponse, encodeSmb1TreeConnectRequest, ipcPath } from '../protocols/smb1/tree-connect.js';
import { encodePeekNamedPipeRequest } from '../protocols/smb1/trans.js';
import { decodeDoublePulsarReply, DOUBLEPULSAR_PING_MID, encodeDoublePulsarPingRequest } from '../protocols/smb1/trans2.js';
import { decodeNegotiateAnswer } from '../protocols/smb2/multi-protocol.js';
import { formatSmb2Dialect } from '../protocols/smb2/negotiate.js';
import { evidenceHex, ProbeError, runProbe, toProbeError, type ProbeOutcome } from './outcome.js';
import { openSmbFor, transportForPort, type NetbiosSessionFacts, type SmbConversation, type SmbTransport } from './smb-transport.js';

export type Smb1Depth = 'negotiate' | 'session' | 'peek' | 'ping';
const DEPTH_ORDER: Record<Smb1Depth, number> = { negotiate: 0, session: 1, peek: 2, ping: 3 };

/** Flags2 of our requests: NT status + long names, no Unicode, no extended security (§5.2 step 1). */
export const SMB1_PROBE_FLAGS2 = Smb1Flags2.NT_STATUS | Smb1Flags2.LONG_NAMES;

const MID = { negotiate: 0, session: 1, tree: 2, peek: 3 } as const;

export interface Smb1StatusFacts {
  readonly form: 'nt' | 'dos';
  /** `0xC0000205`, or `DOS class=0x02 code=0x0005`. */
  readonly code: string;
  /** `STATUS_INSUFF_SERVER_RESOURCES` when known (NT form only). */
  readonly name?: string;
  readonly ntCode?: number;
}

export function statusFacts(s: Smb1Status): Smb1StatusFacts {
  if (s.kind === 'dos') return { form: 'dos', code: formatSmb1Status(s) };
  const name = ntStatusName(s.code);
  return { form: 'nt', code: formatSmb1Status(s), ntCode: s.code >>> 0, ...(name ? { name } : {}) };
}

export interface Smb1NegotiateFacts {
  /** `smb2-answer`: the server answered an SMB1-only dialect list with an SMB2 message. */
  readonly kind: 'nt-lm-0.12' | 'lanman' | 'core' | 'no-common-dialect' | 'error' | 'smb2-answer';
  readonly status?: Smb1StatusFacts;
  readonly dialectIndex?: number;
  readonly dialect?: string;
  readonly securityMode?: number;
  readonly signing?: SigningState;
  readonly capabilities?: number;
  readonly capabilitiesHex?: string;
  readonly extendedSecurity?: boolean;
  /** CAP_UNIX (0x00800000): set by Samba only (docs/smb-detection.md §3.2). */
  readonly capUnix?: boolean;
  readonly maxMpxCount?: number;
  readonly maxBufferSize?: number;
  readonly sessionKey?: number;
  readonly systemTime?: string;
  readonly serverTimeZone?: number;
  /** Classic response: workgroup/domain and server NetBIOS name (UTF-16 even without the Unicode flag). */
  readonly domainName?: string;
  readonly serverName?: string;
  readonly serverGuidHex?: string;
  readonly smb2Dialect?: string;
  readonly flags2?: number;
  readonly responseHex: string;
}

export interface Smb1SessionFacts {
  readonly status: Smb1StatusFacts;
  readonly ok: boolean;
  readonly uid: number;
  readonly action?: number;
  readonly guest?: boolean;
  readonly nativeOs?: string;
  readonly nativeLanMan?: string;
  readonly primaryDomain?: string;
  readonly responseHex: string;
}

export interface Smb1TreeFacts {
  readonly path: string;
  readonly status: Smb1StatusFacts;
  readonly ok: boolean;
  readonly tid: number;
  readonly service?: string;
  readonly responseHex: string;
}

export interface Smb1PeekFacts {
  readonly requestMid: number;
  readonly mid: number;
  readonly command: number;
  readonly wordCount: number;
  readonly status: Smb1StatusFacts;
  readonly requestHex: string;
  readonly responseHex: string;
}

export interface DoublePulsarPingFacts {
  readonly requestMid: number;
  readonly mid: number;
  /** (mid − requestMid) mod 2^16: 0 = no implant, 16 = implant answered. */
  readonly midDelta: number;
  readonly command: number;
  readonly status: Smb1StatusFacts;
  readonly sig1Hex: string;
  readonly sig2Hex: string;
  /** Only when midDelta is 16 (never decoded from an unchanged MID, §6.5). */
  readonly implant?: { readonly arch: 'x86' | 'x64'; readonly xorKey: string };
  readonly requestHex: string;
  readonly responseHex: string;
}

export interface Smb1ChainData {
  readonly port: number;
  readonly transport: SmbTransport;
  readonly depth: Smb1Depth;
  netbios?: NetbiosSessionFacts;
  negotiate?: Smb1NegotiateFacts;
  session?: Smb1SessionFacts;
  tree?: Smb1TreeFacts;
  peek?: Smb1PeekFacts;
  ping?: DoublePulsarPingFacts;
  /** Set when the server refused at this step (a fact, not a transport failure). */
  stoppedAt?: 'netbios-session' | 'negotiate' | 'session' | 'tree';
}

export interface Smb1ChainOptions {
  readonly dialer: Dialer;
  readonly ip: string;
  readonly port: number;
  readonly timeoutMs: number;
  readonly depth: Smb1Depth;
  readonly signal?: AbortSignal | undefined;
  /** 139 only: names to try in the NetBIOS session request (see smb-transport.ts). */
  readonly calledNames?: (tried: readonly string[]) => Promise<readonly string[]> | readonly string[];
}

function expectReply(h: Smb1Header, command: number, mid: number, step: string): void {
  if (h.command !== command) {
    throw new ProbeError('protocol-error', `reply has command 0x${h.command.toString(16)}, expected 0x${command.toString(16)}`, step);
  }
  if (h.mid !== mid) throw new ProbeError('protocol-error', `reply has MID ${h.mid}, expected ${mid}`, step);
}

async function stepOf<T>(step: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw toProbeError(err, step);
  }
}

export function runSmb1Chain(o: Smb1ChainOptions): Promise<ProbeOutcome<Smb1ChainData>> {
  const data: Smb1ChainData = { port: o.port, transport: transportForPort(o.port), depth: o.depth };
  const deadline = Date.now() + o.timeoutMs;
  return runProbe(data, async (d) => {
    const smb = await openSmbFor(o, deadline, d);
    if (!smb) {
      d.stoppedAt = 'netbios-session';
      return;
    }
    try {
      await chain(smb, o, d);
    } finally {
      smb.close();
    }
  });
}

async function chain(smb: SmbConversation, o: Smb1ChainOptions, d: Smb1ChainData): Promise<void> {
  const depth = DEPTH_ORDER[o.depth];
  const dialects = [NT_LM_012];

  // ---- NEGOTIATE
  const negReply = await smb.exchange(encodeSmb1NegotiateRequest({ dialects, flags2: SMB1_PROBE_FLAGS2, mid: MID.negotiate }), 'negotiate');
  const neg = await stepOf('negotiate', async () => decodeNegotiateAnswer(negReply));
  if (neg.protocol === 'smb2') {
    const r = neg.response;
    d.negotiate = {
      kind: 'smb2-answer',
      responseHex: evidenceHex(negReply),
      ...(r.kind === 'success' ? { smb2Dialect: formatSmb2Dialect(r.dialectRevision) } : {}),
    };
    d.stoppedAt = 'negotiate';
    return;
  }
  const n = neg.response;
  expectReply(n.header, Smb1Command.NEGOTIATE, MID.negotiate, 'negotiate');
  const base = { status: statusFacts(n.header.status), flags2: n.header.flags2, responseHex: evidenceHex(negReply) };
  if (n.kind !== 'nt-lm-0.12') {
    if (n.kind === 'lanman' || n.kind === 'core') {
      const dl = chosenDialect(dialects, n.dialectIndex);
      d.negotiate = { ...base, kind: n.kind, dialectIndex: n.dialectIndex, ...(dl !== undefined ? { dialect: dl } : {}) };
    } else {
      d.negotiate = { ...base, kind: n.kind, ...('dialectIndex' in n ? { dialectIndex: n.dialectIndex } : {}) };
    }
    // A LANMAN/core answer to an NT LM 0.12-only list is SMBv1 all the same; we do not speak it further.
    d.stoppedAt = 'negotiate';
    return;
  }
  const dialect = chosenDialect(dialects, n.dialectIndex);
  if (dialect === undefined) {
    throw new ProbeError('protocol-error', `DialectIndex ${n.dialectIndex} is not in our list of ${dialects.length}`, 'negotiate');
  }
  d.negotiate = {
    ...base,
    kind: 'nt-lm-0.12',
    dialectIndex: n.dialectIndex,
    dialect,
    securityMode: n.securityMode,
    signing: smb1SigningState(n.securityMode),
    capabilities: n.capabilities >>> 0,
    capabilitiesHex: hex32(n.capabilities >>> 0),
    extendedSecurity: (n.capabilities & Smb1Capabilities.EXTENDED_SECURITY) !== 0,
    capUnix: (n.capabilities & Smb1Capabilities.UNIX) !== 0,
    maxMpxCount: n.maxMpxCount,
    maxBufferSize: n.maxBufferSize,
    sessionKey: n.sessionKey,
    serverTimeZone: n.serverTimeZone,
    ...(filetimeToIso(n.systemTime) ? { systemTime: filetimeToIso(n.systemTime) } : {}),
    ...(n.security.kind === 'challenge'
      ? { domainName: n.security.domainName, serverName: n.security.serverName }
      : { serverGuidHex: toHex(n.security.serverGuid) }),
  };
  if (depth < DEPTH_ORDER.session) return;

  // ---- SESSION_SETUP_ANDX: classic null session
  const ssReply = await smb.exchange(
    encodeSmb1SessionSetupRequest({ kind: 'classic', sessionKey: n.sessionKey, flags2: SMB1_PROBE_FLAGS2, mid: MID.session }),
    'session',
  );
  const ss = await stepOf('session', async () => decodeSmb1SessionSetupResponse(ssReply));
  expectReply(ss.header, Smb1Command.SESSION_SETUP_ANDX, MID.session, 'session');
  const ok = isSmb1Success(ss.header.status) && ss.kind !== 'error';
  d.session = {
    status: statusFacts(ss.header.status),
    ok,
    uid: ss.header.uid,
    responseHex: evidenceHex(ssReply),
    ...(ss.kind !== 'error'
      ? {
          action: ss.action,
          guest: (ss.action & Smb1SessionAction.GUEST) !== 0,
          ...(ss.nativeOs !== undefined ? { nativeOs: ss.nativeOs } : {}),
          ...(ss.nativeLanMan !== undefined ? { nativeLanMan: ss.nativeLanMan } : {}),
          ...(ss.primaryDomain !== undefined ? { primaryDomain: ss.primaryDomain } : {}),
        }
      : {}),
  };
  if (!ok) {
    d.stoppedAt = 'session';
    return;
  }
  if (depth < DEPTH_ORDER.peek) return;
  const uid = ss.header.uid;

  // ---- TREE_CONNECT_ANDX \\<ip>\IPC$
  const path = ipcPath(o.ip);
  const tcReply = await smb.exchange(encodeSmb1TreeConnectRequest({ path, uid, flags2: SMB1_PROBE_FLAGS2, mid: MID.tree }), 'tree');
  const tc = await stepOf('tree', async () => decodeSmb1TreeConnectResponse(tcReply));
  expectReply(tc.header, Smb1Command.TREE_CONNECT_ANDX, MID.tree, 'tree');
  const treeOk = isSmb1Success(tc.header.status) && tc.kind === 'success';
  d.tree = {
    path,
    status: statusFacts(tc.header.status),
    ok: treeOk,
    tid: tc.header.tid,
    responseHex: evidenceHex(tcReply),
    ...(tc.kind === 'success' ? { service: tc.service } : {}),
  };
  if (!treeOk) {
    d.stoppedAt = 'tree';
    return;
  }
  const tid = tc.header.tid;

  // ---- TRANSACTION PeekNamedPipe FID 0 (the MS17-010 probe)
  const peekReq = encodePeekNamedPipeRequest({ tid, uid, flags2: SMB1_PROBE_FLAGS2, mid: MID.peek });
  const peekReply = await smb.exchange(peekReq, 'peek');
  const pk = await stepOf('peek', async () => decodeSmb1Message(peekReply));
  expectReply(pk.header, Smb1Command.TRANSACTION, MID.peek, 'peek');
  d.peek = {
    requestMid: MID.peek,
    mid: pk.header.mid,
    command: pk.header.command,
    wordCount: pk.wordCount,
    status: statusFacts(pk.header.status),
    requestHex: evidenceHex(peekReq),
    responseHex: evidenceHex(peekReply),
  };
  if (depth < DEPTH_ORDER.ping) return;

  // ---- TRANSACTION2 SESSION_SETUP ping (DoublePulsar), MID 65
  const pingReq = encodeDoublePulsarPingRequest({ tid, uid, mid: DOUBLEPULSAR_PING_MID });
  const pingReply = await smb.exchange(pingReq, 'ping');
  const dp = await stepOf('ping', async () => {
    const m = decodeSmb1Message(pingReply);
    if (m.header.command !== Smb1Command.TRANSACTION2) {
      throw new ProbeError('protocol-error', `ping reply has command 0x${m.header.command.toString(16)}, expected 0x32`, 'ping');
    }
    return decodeDoublePulsarReply(pingReply, DOUBLEPULSAR_PING_MID);
  });
  d.ping = {
    requestMid: dp.requestMid,
    mid: dp.mid,
    midDelta: dp.midDelta,
    command: dp.header.command,
    status: statusFacts(dp.status),
    sig1Hex: hex32(dp.sig1),
    sig2Hex: hex32(dp.sig2),
    requestHex: evidenceHex(pingReq),
    responseHex: evidenceHex(pingReply),
    ...(dp.implant ? { implant: { arch: dp.implant.arch, xorKey: hex32(dp.implant.xorKey) } } : {}),
  };
}
