// A scripted SMB server for the check tests, answering with real bytes: frames from the protocol
// fixtures (Windows 7 / Server 2008 R2 / 2012 R2 / Windows 10 captures, the Samba lab captures),
// with only the fields a real server would echo patched (MID, PID, SMB2 MessageId) or, where a
// scenario needs it, one documented field (DialectIndex, status). Each request kind has a
// handler returning an Action; a missing handler resets the connection.
import { loadFixture } from '../../src/engine/protocols/fixtures/load.js';
import { decodeNbssPacket, encodeNegativeSessionResponse, encodePositiveSessionResponse, NbssType } from '../../src/engine/protocols/netbios/session.js';
import { decodeSmb1NegotiateRequest } from '../../src/engine/protocols/smb1/negotiate.js';
import { decodeSmb2NegotiateRequest, decodeSmb2NegotiateResponse, encodeSmb2NegotiateResponse } from '../../src/engine/protocols/smb2/negotiate.js';
import { startTcpFake, type FakeConn, type FakeServer } from './tcp-fake.js';

export type Action =
  /** An SMB message; the fake adds the 4-byte session header. */
  | { readonly kind: 'reply'; readonly message: Uint8Array }
  /** Bytes sent as they are (garbage, hostile length fields). */
  | { readonly kind: 'raw'; readonly bytes: Uint8Array; readonly then?: 'close' | 'stall' | 'reset' }
  | { readonly kind: 'reset' }
  | { readonly kind: 'close' }
  /** Never answer (slow loris). */
  | { readonly kind: 'stall' }
  /** The framed message one byte per `intervalMs`. */
  | { readonly kind: 'trickle'; readonly message: Uint8Array; readonly intervalMs: number };

export interface RequestInfo {
  readonly message: Uint8Array;
  /** Connection number on this fake (0-based). */
  readonly conn: number;
}

export type Handler = (req: RequestInfo) => Action;

export interface SmbScript {
  /** SMB1 NEGOTIATE whose dialect list has no SMB2 string (the SMBv1 probe). */
  readonly smb1Negotiate?: Handler;
  /** SMB1 NEGOTIATE offering "SMB 2.002"/"SMB 2.???" (the fallback probe). */
  readonly multiProtocol?: Handler;
  /** SESSION_SETUP_ANDX WordCount 13 (null session). */
  readonly session?: Handler;
  /** SESSION_SETUP_ANDX WordCount 12 (extended security, NTLMSSP). */
  readonly sessionExtended?: Handler;
  readonly tree?: Handler;
  /** TRANSACTION (PeekNamedPipe). */
  readonly peek?: Handler;
  /** TRANSACTION2 (DoublePulsar ping). */
  readonly ping?: Handler;
  /** SMB2 NEGOTIATE; `dialects` are the offered dialect codes. */
  readonly smb2Negotiate?: (req: RequestInfo & { dialects: readonly number[] }) => Action;
  readonly smb2Session?: Handler;
  /** Port 139: accept this called name? Default: accept any (like Samba). */
  readonly netbiosAccepts?: (calledName: string) => boolean;
}

export interface SmbFake extends FakeServer {
  /** Every SMB request received, as `smb1:0x72`, `smb2:0`… in order, per connection. */
  readonly log: string[][];
}

async function perform(c: FakeConn, a: Action): Promise<'continue' | 'stop'> {
  switch (a.kind) {
    case 'reply':
      c.writeMessage(a.message);
      return 'continue';
    case 'raw':
      c.write(a.bytes);
      if (a.then === 'close') c.end();
      if (a.then === 'reset') c.reset();
      if (a.then === 'stall') await c.untilClosed();
      return a.then === undefined ? 'continue' : 'stop';
    case 'reset':
      c.reset();
      return 'stop';
    case 'close':
      c.end();
      return 'stop';
    case 'stall':
      await c.untilClosed();
      return 'stop';
    case 'trickle': {
      const framed = new Uint8Array(4 + a.message.length);
      framed.set([0, (a.message.length >> 16) & 0xff, (a.message.length >> 8) & 0xff, a.message.length & 0xff]);
      framed.set(a.message, 4);
      await c.trickle(framed, a.intervalMs);
      return 'stop';
    }
  }
}

export async function startSmbFake(script: SmbScript, options: { netbios?: boolean } = {}): Promise<SmbFake> {
  const log: string[][] = [];
  const server = await startTcpFake(async (c) => {
    const mine: string[] = [];
    log.push(mine);
    if (options.netbios) {
      const f = await c.nextFrame();
      if (!f || f.type !== NbssType.SESSION_REQUEST) return c.reset();
      const framed = new Uint8Array(4 + f.payload.length);
      framed.set([f.type, 0, (f.payload.length >> 8) & 0xff, f.payload.length & 0xff]);
      framed.set(f.payload, 4);
      const p = decodeNbssPacket(framed);
      const name = p.kind === 'session-request' ? p.called.name : '?';
      mine.push(`nbss:${name}`);
      if (script.netbiosAccepts && !script.netbiosAccepts(name)) {
        c.write(encodeNegativeSessionResponse(0x82));
        c.end();
        return;
      }
      c.write(encodePositiveSessionResponse());
    }
    for (;;) {
      const f = await c.nextFrame();
      if (!f) return;
      if (f.type !== 0) return c.reset();
      const m = f.payload;
      const info = { message: m, conn: c.index };
      let handler: Handler | undefined;
      let label: string;
      if (m[0] === 0xfe) {
        const cmd = (m[12] ?? 0) | ((m[13] ?? 0) << 8);
        label = `smb2:${cmd}`;
        if (cmd === 0 && script.smb2Negotiate) {
          const dialects = decodeSmb2NegotiateRequest(m).dialects;
          const g = script.smb2Negotiate;
          handler = () => g({ ...info, dialects });
        } else if (cmd === 1) handler = script.smb2Session;
      } else {
        const cmd = m[4] ?? 0;
        label = `smb1:0x${cmd.toString(16)}`;
        if (cmd === 0x72) {
          const multi = decodeSmb1NegotiateRequest(m).dialects.some((d) => d.startsWith('SMB 2.'));
          label += multi ? ':multi' : '';
          handler = multi ? script.multiProtocol : script.smb1Negotiate;
        } else if (cmd === 0x73) handler = m[32] === 12 ? script.sessionExtended : script.session;
        else if (cmd === 0x75) handler = script.tree;
        else if (cmd === 0x25) handler = script.peek;
        else if (cmd === 0x32) handler = script.ping;
      }
      mine.push(label);
      const action: Action = handler ? handler(info) : { kind: 'reset' };
      if ((await perform(c, action)) === 'stop') return;
    }
  }, options);
  return { ...server, log };
}

// ---------------------------------------------------------------- replies from real bytes

/** A copy of a fixture's SMB message (no session header). */
export function fixtureMessage(name: string): Uint8Array {
  return loadFixture(name).message.slice();
}

export interface Smb1Patch {
  /** Override the NT status (u32 at S+5). */
  readonly status?: number;
  /** DialectIndex of a NEGOTIATE response (S+33): a real server indexes *our* list. */
  readonly dialectIndex?: number;
  /** Add to the echoed MID (DoublePulsar answers +16). */
  readonly midDelta?: number;
  /** Replace Flags2 (S+10). */
  readonly flags2?: number;
}

/** A fixture SMB1 reply answering `req`: PID and MID echoed as servers do, plus optional patches. */
export function smb1Reply(name: string, req: Uint8Array, patch: Smb1Patch = {}): Uint8Array {
  const m = fixtureMessage(name);
  const dv = new DataView(m.buffer, m.byteOffset, m.byteLength);
  const rq = new DataView(req.buffer, req.byteOffset, req.byteLength);
  dv.setUint16(26, rq.getUint16(26, true), true);
  dv.setUint16(30, (rq.getUint16(30, true) + (patch.midDelta ?? 0)) & 0xffff, true);
  if (patch.status !== undefined) dv.setUint32(5, patch.status >>> 0, true);
  if (patch.flags2 !== undefined) dv.setUint16(10, patch.flags2, true);
  if (patch.dialectIndex !== undefined) dv.setUint16(33, patch.dialectIndex, true);
  return m;
}

/** A fixture SMB2 reply answering `req`: MessageId echoed. */
export function smb2Reply(name: string, req: Uint8Array): Uint8Array {
  const m = fixtureMessage(name);
  m.set(req.subarray(24, 32), 24);
  return m;
}

/** The same SMB2 NEGOTIATE answer as a fixture, but selecting `dialect` (what that server says to a single-dialect offer). */
export function smb2NegotiateAs(name: string, req: Uint8Array, dialect: number): Uint8Array {
  const r = decodeSmb2NegotiateResponse(fixtureMessage(name));
  if (r.kind !== 'success') throw new Error(`${name} is not a successful NEGOTIATE response`);
  const { kind: _k, header, contexts: _c, ...rest } = r;
  const msg = encodeSmb2NegotiateResponse({ ...header, ...rest, dialectRevision: dialect, contexts: [] });
  msg.set(req.subarray(24, 32), 24);
  return msg;
}

export const reply = (message: Uint8Array): Action => ({ kind: 'reply', message });

// ---------------------------------------------------------------- personas

/** Fixture names used by the personas (see src/engine/protocols/fixtures/README.md for provenance). */
export const FX = {
  win7Negotiate: 'dpw7-081-smb1-neg-resp-classic-win7.hex',
  win7Session: 'dpw7-083-smb1-sess-resp-win7-unicode.hex',
  win7Tree: 'dpw7-085-smb1-tree-resp-win7.hex',
  win7PeekVulnerable: 'id2t-016-smb1-trans-resp-vulnerable-win7.hex',
  win7PingClean: 'ebw7-013-smb1-dp-resp-clean-win7.hex',
  win7PingInfectedX86: 'dpw7-087-smb1-dp-resp-infected-x86.hex',
  r2008PingInfectedX64: 'erdp-240-smb1-dp-resp-infected-x64.hex',
  s2012r2NegotiateSigning: 'wcry-230-smb1-neg-resp-classic-signing-required-2012r2.hex',
  s2012r2SessionDenied: 'wcry-219-smb1-sess-resp-access-denied-2012r2.hex',
  sambaNegotiate: 'ns1-probe-ms17-006-smb1-neg-resp-classic-samba.hex',
  sambaSession: 'ns1-probe-ms17-009-smb1-sess-resp-samba.hex',
  sambaTree: 'ns1-probe-ms17-011-smb1-tree-resp-samba-wc7.hex',
  sambaPeekInvalidHandle: 'ns1-probe-ms17-013-smb1-trans-resp-invalid-handle-samba.hex',
  sambaPingDenied: 'ns1-probe-ms17-015-smb1-dp-resp-access-denied-samba.hex',
  sambaTreeDenied: 'ns3restricted-probe-ms17-011-smb1-tree-resp-access-denied-samba.hex',
  sambaNoDialect: 'ns2-probe-neg1-006-smb1-neg-resp-no-dialect-samba.hex',
  sambaSmb2Neg311SigningRequired: 'ns2-probe-negmulti-009-smb2-neg-resp-311-signing-required-samba.hex',
  sambaSmb2Neg311: 'ns1-probe-negmulti-009-smb2-neg-resp-311-samba.hex',
  sambaSmb2SessionChallenge: 'ns2-probe-os2-009-smb2-sess-resp-challenge-spnego-samba.hex',
  win10Smb2Neg21: 'dpw7-026-smb2-neg-resp-210-win10.hex',
  win10Smb2SessionChallenge: 'dpw7-028-smb2-sess-resp-challenge-win10.hex',
  win7ExtNegotiate: 'wcry-201-smb1-neg-resp-ext-win7.hex',
  win7ExtSessionChallenge: 'id2t-008-smb1-sess-resp-challenge-win7.hex',
} as const;

/** Unpatched Windows 7 SP1 (SMB1 only, like XP/early Win7 setups): every step answered from real Win7 frames. */
export function win7Script(ping: 'clean' | 'infected-x86' | 'infected-x64' = 'clean', peekStatus?: number): SmbScript {
  return {
    smb1Negotiate: ({ message }) => reply(smb1Reply(FX.win7Negotiate, message, { dialectIndex: 0 })),
    session: ({ message }) => reply(smb1Reply(FX.win7Session, message)),
    tree: ({ message }) => reply(smb1Reply(FX.win7Tree, message)),
    peek: ({ message }) => reply(smb1Reply(FX.win7PeekVulnerable, message, peekStatus !== undefined ? { status: peekStatus } : {})),
    ping: ({ message }) =>
      ping === 'clean'
        ? reply(smb1Reply(FX.win7PingClean, message))
        : reply(smb1Reply(ping === 'infected-x86' ? FX.win7PingInfectedX86 : FX.r2008PingInfectedX64, message, { midDelta: 16 })),
    // An SMB1-only server drops an SMB2 NEGOTIATE; it answers a multi-protocol one in SMB1.
    smb2Negotiate: () => ({ kind: 'close' }),
    multiProtocol: ({ message }) => reply(smb1Reply(FX.win7ExtNegotiate, message, { dialectIndex: 0 })),
    sessionExtended: ({ message }) => reply(smb1Reply(FX.win7ExtSessionChallenge, message)),
  };
}

/** Samba 4.17 with SMB1 on (the lab's smb1 host), from its own lab capture. */
export function sambaSmb1Script(): SmbScript {
  return {
    smb1Negotiate: ({ message }) => reply(smb1Reply(FX.sambaNegotiate, message)),
    session: ({ message }) => reply(smb1Reply(FX.sambaSession, message)),
    tree: ({ message }) => reply(smb1Reply(FX.sambaTree, message)),
    peek: ({ message }) => reply(smb1Reply(FX.sambaPeekInvalidHandle, message)),
    ping: ({ message }) => reply(smb1Reply(FX.sambaPingDenied, message)),
    smb2Negotiate: ({ message, dialects }) =>
      dialects.length === 1 ? reply(smb2NegotiateAs(FX.sambaSmb2Neg311, message, dialects[0] ?? 0x0202)) : reply(smb2Reply(FX.sambaSmb2Neg311, message)),
    smb2Session: ({ message }) => reply(smb2Reply(FX.sambaSmb2SessionChallenge, message)),
  };
}

/** Samba with `server min protocol = SMB2_02` and `server signing = mandatory` (the lab's smb2only host). */
export function sambaSmb2OnlyScript(): SmbScript {
  return {
    smb1Negotiate: ({ message }) => ({ kind: 'raw', bytes: framed(smb1Reply(FX.sambaNoDialect, message)), then: 'close' }),
    smb2Negotiate: ({ message, dialects }) =>
      dialects.length === 1
        ? reply(smb2NegotiateAs(FX.sambaSmb2Neg311SigningRequired, message, dialects[0] ?? 0x0202))
        : reply(smb2Reply(FX.sambaSmb2Neg311SigningRequired, message)),
    smb2Session: ({ message }) => reply(smb2Reply(FX.sambaSmb2SessionChallenge, message)),
  };
}

/** Windows 10 1511 with SMBv1 disabled: RST on the SMB1 NEGOTIATE, SMB 2.1 otherwise. */
export function win10NoSmb1Script(): SmbScript {
  return {
    smb1Negotiate: () => ({ kind: 'reset' }),
    smb2Negotiate: ({ message, dialects }) =>
      dialects.length === 1 ? reply(smb2NegotiateAs(FX.win10Smb2Neg21, message, dialects[0] ?? 0x0202)) : reply(smb2Reply(FX.win10Smb2Neg21, message)),
    smb2Session: ({ message }) => reply(smb2Reply(FX.win10Smb2SessionChallenge, message)),
  };
}

/** Frames an SMB message for a `raw` action. */
export function framed(message: Uint8Array): Uint8Array {
  const out = new Uint8Array(4 + message.length);
  out.set([0, (message.length >> 16) & 0xff, (message.length >> 8) & 0xff, message.length & 0xff]);
  out.set(message, 4);
  return out;
}
