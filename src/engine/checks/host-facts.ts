// Host facts derived from the probe outcomes: SMB dialects and signing, OS (SMB1 NativeOS and/or
// NTLMSSP), RDP and NetBIOS. Pure functions; the checks and the report share them, so a fact and
// the verdict built on it can never disagree.

import type { ProbeFailureStatus, ProbeOutcome } from '../probes/outcome.js';
import type { NtlmInfo } from '../probes/ntlm-info.js';
import type { Smb1ChainData } from '../probes/smb1-chain.js';
import { toHex } from '../protocols/bytes/hex.js';
import { encodeLatin1 } from '../protocols/bytes/utf16le.js';
import type { SigningState } from '../protocols/smb1/negotiate.js';
import { assessWindows, parseNativeOs, type Edition } from './os-catalog.js';
import { note, type EngineNote, type FactReason } from './notes.js';
import type { ReasonCode } from './reasons.js';
import type { HostEvidence } from './types.js';

export type Signing = 'disabled' | 'enabled' | 'required';
export type Tri = 'enabled' | 'disabled' | 'unknown';

export function signingWord(s: SigningState): Signing {
  return s === 'enabled-not-required' ? 'enabled' : s;
}

/** Data of a probe outcome, complete or partial. */
export function dataOf<T>(o: ProbeOutcome<T> | undefined): T | undefined {
  if (o === undefined) return undefined;
  return o.status === 'success' ? o.data : o.partial;
}

// ---------------------------------------------------------------- SMB2 presence

export interface Smb2Presence {
  readonly state: 'present' | 'absent' | 'unknown';
  readonly detail: string;
  /** `detail` in machine form (notes.ts). */
  readonly note: EngineNote;
}

/** Does the host speak SMB2? `absent` only from an exact answer (multi-protocol negotiate answered in SMB1). */
export function smb2Presence(e: HostEvidence): Smb2Presence {
  const s2 = e.smb2;
  if (s2?.status === 'success' && s2.data.negotiate) {
    return { state: 'present', detail: `SMB2 NEGOTIATE answered ${s2.data.negotiate.dialect}`, note: note('smb2-answered', { dialect: s2.data.negotiate.dialect }) };
  }
  const mp = e.smb1Ntlm;
  const ans = dataOf(mp)?.answer;
  if (ans?.protocol === 'smb2') {
    return { state: 'present', detail: `multi-protocol NEGOTIATE answered SMB2 ${ans.smb2Dialect ?? ans.kind}`, note: note('smb2-multi-protocol-answered', { dialect: ans.smb2Dialect ?? ans.kind }) };
  }
  if (ans?.protocol === 'smb1' && ans.kind === 'nt-lm-0.12') {
    return {
      state: 'absent',
      detail: 'the SMB2 NEGOTIATE was closed without an answer and a NEGOTIATE offering "SMB 2.002"/"SMB 2.???" was answered in SMB1 (NT LM 0.12): no SMB2',
      note: note('smb2-absent'),
    };
  }
  if (s2 === undefined) return { state: 'unknown', detail: 'SMB2 was not probed', note: note('smb2-not-probed') };
  if (s2.status === 'success' && s2.data.negotiateError) {
    const status = s2.data.negotiateError.status;
    return { state: 'unknown', detail: `SMB2 NEGOTIATE refused with ${status}`, note: note('smb2-refused', { status }) };
  }
  if (s2.status === 'success') return { state: 'unknown', detail: 'SMB2 NEGOTIATE not sent (NetBIOS session refused)', note: note('smb2-not-sent') };
  return { state: 'unknown', detail: `SMB2 NEGOTIATE failed: ${s2.status} at ${s2.step} (${s2.error})`, note: note('smb2-failed', { status: s2.status, step: s2.step }) };
}

// ---------------------------------------------------------------- SMB1 per port

export interface Smb1PortState {
  readonly port: number;
  readonly state: Tri;
  readonly reasonCode: ReasonCode;
  readonly reason: string;
}

/** docs/smb-detection.md §3.7 step 1 table. */
export function smb1PortState(e: HostEvidence, port: number): Smb1PortState {
  const o = e.smb1.get(port);
  if (o === undefined) return { port, state: 'unknown', reasonCode: 'not-probed', reason: 'SMB1 was not probed on this port' };
  const d = dataOf(o);
  const neg = d?.negotiate;
  if (neg) {
    switch (neg.kind) {
      case 'nt-lm-0.12':
        return { port, state: 'enabled', reasonCode: 'smb1-accepted', reason: 'the server accepted the SMB1 dialect NT LM 0.12' };
      case 'lanman':
      case 'core':
        return { port, state: 'enabled', reasonCode: `smb1-${neg.kind}`, reason: `the server answered the SMB1 NEGOTIATE with a ${neg.kind.toUpperCase()} response (pre-NT SMBv1)` };
      case 'no-common-dialect':
        return { port, state: 'disabled', reasonCode: 'smb1-disabled', reason: 'the server refused NT LM 0.12 (DialectIndex 0xFFFF): SMBv1 is disabled' };
      case 'smb2-answer':
        return { port, state: 'unknown', reasonCode: 'protocol-error', reason: 'the server answered an SMB1-only NEGOTIATE with an SMB2 message' };
      case 'error':
        return { port, state: 'unknown', reasonCode: `negotiate-error:${neg.status?.code ?? '?'}`, reason: `the server answered the SMB1 NEGOTIATE with an error (${neg.status?.code ?? '?'})` };
    }
  }
  if (o.status === 'success') {
    if (d?.stoppedAt === 'netbios-session') {
      return { port, state: 'unknown', reasonCode: 'netbios-session-refused', reason: 'every NetBIOS name was refused in the session request' };
    }
    return { port, state: 'unknown', reasonCode: 'no-answer', reason: 'no SMB1 NEGOTIATE answer' };
  }
  if (o.step === 'negotiate' && o.status === 'connection-closed') {
    const s2 = smb2Presence(e);
    if (s2.state === 'present') {
      return {
        port,
        state: 'disabled',
        reasonCode: 'smb1-refused',
        reason: `the server closed the connection on the SMB1 NEGOTIATE while SMB2 works (${s2.detail}): this is how Windows with SMBv1 disabled answers`,
      };
    }
    return {
      port,
      state: 'unknown',
      reasonCode: 'smb1-refused',
      reason: `the server closed the connection on the SMB1 NEGOTIATE and SMB2 did not answer either (${s2.detail}): filtering device or IPS`,
    };
  }
  return { port, state: 'unknown', reasonCode: failureCode(o.status, o.step), reason: `SMB1 probe failed: ${o.status} at ${o.step} (${o.error})` };
}

/** Reason code for a transport failure, in the vocabulary of docs/smb-detection.md §5.4. */
export function failureCode(status: ProbeFailureStatus, step: string): ReasonCode {
  if (step === 'connect') {
    switch (status) {
      case 'connection-refused': return 'port-closed';
      case 'connection-timeout': return 'port-filtered';
      case 'unreachable': return 'host-unreachable';
      default: return status;
    }
  }
  if (status === 'io-timeout') return step === 'peek' ? 'timeout-at-probe' : 'timeout';
  if (status === 'connection-closed') {
    if (step === 'negotiate') return 'smb1-refused';
    if (step === 'peek') return 'reset-at-probe';
    return `reset-at-${step}`;
  }
  return status;
}

// ---------------------------------------------------------------- Samba

/** A Samba tell: the engine's English sentence and the same in machine form. */
export interface SambaTell {
  readonly text: string;
  readonly note: EngineNote;
}

const nativeLanManTell = (value: string): SambaTell => ({ text: `NativeLanMan "${value}"`, note: note('samba-native-lanman', { value }) });

/** Positive non-Windows identification from SMB1 (docs/smb-detection.md §4.7): NativeLanMan "Samba…" or CAP_UNIX. */
export function sambaTellNotesSmb1(d: Smb1ChainData | undefined): SambaTell[] {
  const tells: SambaTell[] = [];
  if (d?.session?.nativeLanMan?.startsWith('Samba')) tells.push(nativeLanManTell(d.session.nativeLanMan));
  if (d?.negotiate?.capUnix) {
    const capabilities = d.negotiate.capabilitiesHex ?? '?';
    tells.push({ text: `SMB1 CAP_UNIX set (capabilities ${capabilities})`, note: note('samba-cap-unix', { capabilities }) });
  }
  return tells;
}

/** The sentences of sambaTellNotesSmb1. */
export function sambaTellsSmb1(d: Smb1ChainData | undefined): string[] {
  return sambaTellNotesSmb1(d).map((t) => t.text);
}

// ---------------------------------------------------------------- facts

export interface SmbPortFacts {
  readonly port: number;
  readonly transport: string;
  readonly smbv1: Tri;
  readonly reason: string;
  /** `reason` as a reason code (reasons.ts). */
  readonly reasonCode: ReasonCode;
  readonly calledName?: string;
}

export interface SmbFacts {
  /** SMB dialects the host accepts: `NT LM 0.12` (SMBv1) then the SMB2 dialects, ascending. */
  readonly dialects: readonly string[];
  /** false when some dialect could not be decided (its absence from `dialects` is then not proof). */
  readonly dialectsExact: boolean;
  /** SMBv1 on any port; null = could not be determined. */
  readonly smbv1: boolean | null;
  /** Why `smbv1` is null: the reason code of every SMB port that did not decide. */
  readonly smbv1ReasonCodes?: readonly FactReason[];
  readonly smb2: boolean | null;
  readonly maxDialect?: string;
  /** Weakest signing over the protocols the host accepts. */
  readonly signing: Signing | 'unknown';
  /** Why `signing` is unknown: each protocol that could not be decided, with its reason code or note. */
  readonly signingReasonCodes?: readonly FactReason[];
  readonly smb1Signing?: Signing;
  readonly smb2Signing?: Signing;
  readonly ports: readonly SmbPortFacts[];
  readonly smb2Port?: number;
  readonly smb2Capabilities?: string;
  readonly serverGuid?: string;
  readonly systemTime?: string;
  /** SMB2 ServerStartTime (boot time); null when the server sends 0. */
  readonly bootTime?: string | null;
  readonly smb311Compression?: boolean;
  readonly workgroup?: string;
  readonly serverName?: string;
}

export interface OsFacts {
  readonly name: string;
  readonly family: 'windows' | 'samba' | 'non-windows';
  /** Where `name` came from. */
  readonly source: 'smb1-native-os' | 'ntlmssp' | 'samba-tells';
  readonly sources: readonly string[];
  readonly product?: string;
  readonly edition?: Edition;
  readonly version?: string;
  readonly build?: number;
  readonly servicePack?: string;
  readonly nativeOs?: string;
  readonly nativeLanMan?: string;
  /** NTLM Version as sent (`6.1.7601`), only when trustworthy (§4.6). */
  readonly ntlmVersion?: string;
  readonly netbiosName?: string;
  readonly dnsName?: string;
  /** Workgroup or NetBIOS domain. */
  readonly domain?: string;
  readonly dnsDomain?: string;
  readonly forest?: string;
  readonly domainJoined?: boolean;
  readonly eol?: boolean;
  readonly eolDate?: string;
  readonly wannacryRisk?: boolean;
  readonly ms17010AffectedRelease?: boolean;
  readonly sambaTells?: readonly string[];
  /** `sambaTells` in machine form, in the same order (notes.ts). */
  readonly sambaTellCodes?: readonly EngineNote[];
  readonly notes?: readonly string[];
  /** `notes` in machine form, in the same order. */
  readonly noteCodes?: readonly EngineNote[];
}

export interface RdpFacts {
  readonly port: number;
  readonly answers: boolean;
  readonly selectedProtocol?: string;
  /** true: a TLS-only client is refused (HYBRID_REQUIRED_BY_SERVER); false: a client can connect without NLA. */
  readonly nlaRequired?: boolean;
  readonly standardRdpOnly?: boolean;
  readonly failure?: string;
}

export interface NetbiosFacts {
  readonly names: readonly { name: string; suffix: string; group: boolean; role: string }[];
  readonly computerName?: string;
  readonly workgroup?: string;
  readonly fileServerName?: string;
  readonly users: readonly string[];
  readonly domainControllerOf?: string;
  readonly mac?: string;
}

export interface HostFacts {
  readonly os?: OsFacts;
  readonly smb?: SmbFacts;
  readonly rdp?: RdpFacts;
  readonly netbios?: NetbiosFacts;
}

const SMB_PORT_ORDER = [445, 139];

function weakest(xs: readonly Signing[]): Signing | undefined {
  if (xs.includes('disabled')) return 'disabled';
  if (xs.includes('enabled')) return 'enabled';
  return xs.length > 0 ? 'required' : undefined;
}

export function ntlmOf(e: HostEvidence): { info: NtlmInfo; via: string } | undefined {
  const s2 = dataOf(e.smb2)?.session?.ntlm;
  if (s2) return { info: s2, via: 'smb2' };
  const s1 = dataOf(e.smb1Ntlm)?.session?.ntlm;
  if (s1) return { info: s1, via: 'smb1-extended-security' };
  return undefined;
}

export function deriveSmbFacts(e: HostEvidence): SmbFacts | undefined {
  const ports = SMB_PORT_ORDER.filter((p) => e.smb1.has(p));
  const states = ports.map((p) => smb1PortState(e, p));
  const s2 = smb2Presence(e);
  const s2data = e.smb2?.status === 'success' ? e.smb2.data : undefined;
  if (ports.length === 0 && e.smb2 === undefined) return undefined;
  const smbv1 = states.some((s) => s.state === 'enabled') ? true : states.length > 0 && states.every((s) => s.state === 'disabled') ? false : null;
  const smb2 = s2.state === 'present' ? true : s2.state === 'absent' ? false : null;

  const smb1Neg = ports.map((p) => dataOf(e.smb1.get(p))?.negotiate).find((n) => n?.kind === 'nt-lm-0.12');
  const smb1Signing = smb1Neg?.signing ? signingWord(smb1Neg.signing) : undefined;
  const mpAnswer = dataOf(e.smb1Ntlm)?.answer;
  const smb2Signing = s2data?.negotiate ? signingWord(s2data.negotiate.signing) : undefined;

  // Dialect list.
  const dialects: string[] = [];
  let exact = smbv1 !== null;
  if (smbv1) dialects.push('NT LM 0.12');
  let maxDialect: string | undefined;
  if (s2data?.negotiate) {
    maxDialect = s2data.negotiate.dialect;
    const lower = e.smb2Dialects ?? [];
    if (e.smb2Dialects === undefined && s2data.negotiate.dialectRevision !== 0x0202) exact = false;
    for (const p of lower) {
      if (p.accepted === true) dialects.push(p.dialect);
      if (p.accepted === null) exact = false;
    }
    dialects.push(s2data.negotiate.dialect);
  } else if (mpAnswer?.protocol === 'smb2') {
    if (mpAnswer.smb2Dialect === '2.0.2') {
      maxDialect = '2.0.2';
      dialects.push('2.0.2');
    } else exact = false;
  } else if (smb2 !== false) exact = false;
  const order = ['NT LM 0.12', '2.0.2', '2.1', '3.0', '3.0.2', '3.1.1'];
  const sorted = [...new Set(dialects)].sort((a, b) => order.indexOf(a) - order.indexOf(b));

  const observed: Signing[] = [];
  if (smbv1 && smb1Signing) observed.push(smb1Signing);
  if (smb2 && smb2Signing) observed.push(smb2Signing);
  const w = weakest(observed);
  let signing: Signing | 'unknown' = 'unknown';
  if (w === 'disabled' || w === 'enabled') signing = w;
  else if (w === 'required' && smbv1 !== null && smb2 !== null) signing = 'required';
  const smb1Undecided: FactReason[] = states.filter((s) => s.state === 'unknown').map((s) => ({ protocol: 'smb1', port: s.port, code: s.reasonCode }));
  const signingReasonCodes: FactReason[] = [];
  if (signing === 'unknown') {
    if (smbv1 === null) for (const r of smb1Undecided) signingReasonCodes.push(r);
    if (smb2 === null) signingReasonCodes.push({ protocol: 'smb2', note: s2.note });
    // Both protocols decided but neither says how it signs (no NEGOTIATE answer kept its SecurityMode).
    if (signingReasonCodes.length === 0) signingReasonCodes.push({ code: 'incomplete' });
  }

  const firstNeg = ports.map((p) => dataOf(e.smb1.get(p))?.negotiate).find((n) => n?.domainName !== undefined || n?.serverName !== undefined);
  const portFacts: SmbPortFacts[] = states.map((s) => {
    const d = dataOf(e.smb1.get(s.port));
    return {
      port: s.port,
      transport: d?.transport ?? (s.port === 139 ? 'netbios' : 'direct-tcp'),
      smbv1: s.state,
      reason: s.reason,
      reasonCode: s.reasonCode,
      ...(d?.netbios?.calledName ? { calledName: d.netbios.calledName } : {}),
    };
  });
  const n2 = s2data?.negotiate;
  return {
    dialects: sorted,
    dialectsExact: exact,
    smbv1,
    ...(smbv1 === null && smb1Undecided.length > 0 ? { smbv1ReasonCodes: smb1Undecided } : {}),
    smb2,
    signing,
    ...(signingReasonCodes.length > 0 ? { signingReasonCodes } : {}),
    ports: portFacts,
    ...(maxDialect ? { maxDialect } : {}),
    ...(smb1Signing ? { smb1Signing } : {}),
    ...(smb2Signing ? { smb2Signing } : {}),
    ...(s2data ? { smb2Port: s2data.port } : {}),
    ...(n2 ? { smb2Capabilities: n2.capabilitiesHex, serverGuid: n2.serverGuidHex, bootTime: n2.serverStartTime } : {}),
    ...(n2?.systemTime ? { systemTime: n2.systemTime } : smb1Neg?.systemTime ? { systemTime: smb1Neg.systemTime } : {}),
    ...(n2?.compression !== undefined ? { smb311Compression: n2.compression } : {}),
    ...(firstNeg?.domainName ? { workgroup: firstNeg.domainName } : {}),
    ...(firstNeg?.serverName ? { serverName: firstNeg.serverName } : {}),
  };
}

export function deriveOsFacts(e: HostEvidence): OsFacts | undefined {
  const chains = SMB_PORT_ORDER.map((p) => dataOf(e.smb1.get(p))).filter((d): d is Smb1ChainData => d !== undefined);
  const session = chains.map((c) => c.session).find((s) => s?.nativeOs !== undefined || s?.nativeLanMan !== undefined);
  const mpSession = dataOf(e.smb1Ntlm)?.session;
  const nativeOs = session?.nativeOs ?? mpSession?.nativeOs;
  const nativeLanMan = session?.nativeLanMan ?? mpSession?.nativeLanMan;
  const ntlm = ntlmOf(e);
  const neg = chains.map((c) => c.negotiate).find((n) => n?.kind === 'nt-lm-0.12');
  const nb = dataOf(e.nbns);

  const tells = new Map<string, SambaTell>();
  for (const t of chains.flatMap((c) => sambaTellNotesSmb1(c))) tells.set(t.text, t);
  if (nativeLanMan?.startsWith('Samba') && ![...tells.keys()].some((t) => t.startsWith('NativeLanMan'))) {
    const t = nativeLanManTell(nativeLanMan);
    tells.set(t.text, t);
  }
  const v = ntlm?.info;
  const ntlmBuild0 = v?.build === 0 && v.major !== undefined && v.major > 0;
  if (ntlmBuild0) {
    const version = v.version ?? '?';
    tells.set('ntlm', { text: `NTLM version ${version} (build 0 is not Windows)`, note: note('samba-ntlm-build-0', { version }) });
  }
  const guid = dataOf(e.smb2)?.negotiate?.serverGuidHex;
  const nbName = v?.nbComputerName ?? neg?.serverName;
  if (guid && nbName && guidIsName(guid, nbName)) {
    const name = nbName.toLowerCase();
    tells.set('guid', { text: `SMB2 ServerGuid is the NetBIOS name "${name}"`, note: note('samba-guid-is-name', { name }) });
  }
  const sambaTells = [...tells.values()].map((t) => t.text);
  const sambaTellCodes = [...tells.values()].map((t) => t.note);

  // A workgroup host puts its own computer name in MsvAvNbDomainName (§4.6): that is no domain name.
  const ntlmDomain = v?.nbDomainName && v.nbDomainName.toUpperCase() !== v.nbComputerName?.toUpperCase() ? v.nbDomainName : undefined;
  const domain = neg?.domainName || session?.primaryDomain || mpSession?.primaryDomain || nb?.workgroup || ntlmDomain;
  const names = {
    ...((v?.nbComputerName ?? neg?.serverName ?? nb?.computerName) ? { netbiosName: v?.nbComputerName ?? neg?.serverName ?? nb?.computerName } : {}),
    ...(v?.dnsComputerName ? { dnsName: v.dnsComputerName } : {}),
    ...(domain ? { domain } : {}),
    ...(v?.dnsDomainName ? { dnsDomain: v.dnsDomainName } : {}),
    ...(v?.dnsTreeName ? { forest: v.dnsTreeName } : {}),
    ...(v ? { domainJoined: v.domainJoined } : {}),
  };
  const sources: string[] = [];
  if (nativeOs !== undefined || nativeLanMan !== undefined) sources.push('smb1-native-os');
  if (v) sources.push(`ntlmssp (${ntlm?.via ?? '?'})`);
  if (sources.length === 0 && sambaTells.length === 0) return undefined;
  const common = {
    sources,
    ...(nativeOs !== undefined ? { nativeOs } : {}),
    ...(nativeLanMan !== undefined ? { nativeLanMan } : {}),
    ...(v?.versionTrusted && v.version ? { ntlmVersion: v.version } : {}),
    ...names,
  };

  const strongSamba = sambaTells.some((t) => t.startsWith('NativeLanMan') || t.startsWith('SMB1 CAP_UNIX'));
  const guidTell = sambaTells.some((t) => t.startsWith('SMB2 ServerGuid'));
  if (strongSamba || (ntlmBuild0 && guidTell)) {
    return {
      ...common,
      name: nativeLanMan?.startsWith('Samba') ? nativeLanMan : 'Samba',
      family: 'samba',
      source: nativeLanMan?.startsWith('Samba') ? 'smb1-native-os' : 'samba-tells',
      product: 'Samba',
      sambaTells,
      sambaTellCodes,
      wannacryRisk: false,
      ms17010AffectedRelease: false,
    };
  }
  if (ntlmBuild0) {
    return { ...common, name: `non-Windows SMB server (NTLM ${v?.version ?? '?'})`, family: 'non-windows', source: 'ntlmssp', sambaTells, sambaTellCodes, wannacryRisk: false, ms17010AffectedRelease: false };
  }

  // Windows (or something that says so).
  const parsed = nativeOs !== undefined ? parseNativeOs(nativeOs) : {};
  const trusted = v?.versionTrusted && v.major !== undefined && v.minor !== undefined && v.build !== undefined ? v : undefined;
  const build = parsed.build ?? trusted?.build;
  let version = parsed.version ?? (trusted ? `${trusted.major}.${trusted.minor}` : undefined);
  if (trusted && parsed.build === undefined) version = `${trusted.major}.${trusted.minor}`;
  const notes: string[] = [];
  const noteCodes: EngineNote[] = [];
  if (trusted && parsed.build !== undefined && parsed.build !== trusted.build) {
    const ntlmVersion = trusted.version ?? '?';
    notes.push(`NativeOS says build ${parsed.build}, NTLM says ${ntlmVersion}`);
    noteCodes.push(note('os-build-mismatch', { nativeBuild: parsed.build, ntlmVersion }));
  }
  if (v && !v.versionTrusted && v.version) {
    notes.push(`NTLM version ${v.version} ignored (not flagged as trustworthy)`);
    noteCodes.push(note('os-ntlm-version-ignored', { version: v.version }));
  }
  const source: OsFacts['source'] = nativeOs !== undefined ? 'smb1-native-os' : 'ntlmssp';
  if (build === undefined || version === undefined) {
    const name = nativeOs ?? (v?.version ? `unknown (NTLM ${v.version})` : 'unknown');
    return { ...common, name, family: 'windows', source, ...(parsed.servicePack ? { servicePack: parsed.servicePack } : {}), ...(notes.length ? { notes, noteCodes } : {}) };
  }
  const [maj, min] = version.split('.').map(Number);
  const a = assessWindows({ major: maj ?? 0, minor: min ?? 0, build }, parsed.edition, e.now);
  for (const n of a.notes) notes.push(n);
  for (const c of a.noteCodes) noteCodes.push(c);
  const name = nativeOs ?? (a.product ? `${a.product} (build ${build})` : `Windows ${version} build ${build}`);
  return {
    ...common,
    name,
    family: 'windows',
    source,
    version: a.version,
    build,
    wannacryRisk: a.wannacryRisk,
    ms17010AffectedRelease: a.ms17010AffectedRelease,
    ...(a.product ? { product: a.product } : {}),
    ...(a.edition ? { edition: a.edition } : {}),
    ...(parsed.servicePack ? { servicePack: parsed.servicePack } : {}),
    ...(a.eol !== undefined ? { eol: a.eol } : {}),
    ...(a.eolDate ? { eolDate: a.eolDate } : {}),
    ...(notes.length ? { notes, noteCodes } : {}),
  };
}

/** Samba sets the SMB2 ServerGuid to its NetBIOS name in lower case, zero padded (docs/smb-detection.md §3.2). */
function guidIsName(guidHex: string, name: string): boolean {
  let want: string;
  try {
    want = toHex(encodeLatin1(name.toLowerCase()));
  } catch {
    return false;
  }
  return want.length > 0 && want.length <= 32 && guidHex === want.padEnd(32, '0');
}

export function deriveRdpFacts(e: HostEvidence): RdpFacts | undefined {
  const o = e.rdp;
  if (o === undefined) return undefined;
  const d = dataOf(o);
  const port = d?.port ?? 3389;
  if (o.status !== 'success' || (d?.answer !== 'connection-confirm' && d?.answer !== 'disconnect-request')) return { port, answers: false };
  let nlaRequired: boolean | undefined;
  let standardRdpOnly: boolean | undefined;
  if (d.answer === 'connection-confirm') {
    if (d.bareConfirm) {
      nlaRequired = false;
      standardRdpOnly = true;
    } else if (d.selectedProtocolName === 'tls' || d.selectedProtocolName === 'standard-rdp') nlaRequired = false;
    else if (d.failureCode === 2) {
      nlaRequired = false;
      standardRdpOnly = true;
    }
    const n = e.rdpNla;
    if (nlaRequired === undefined && n?.status === 'success') {
      if (n.data.failureCode === 5 || n.data.failureCode === 6) nlaRequired = true;
      else if (n.data.answer === 'connection-confirm' && n.data.selectedProtocol !== undefined) nlaRequired = false;
    }
  }
  return {
    port,
    answers: true,
    ...(d.selectedProtocolName ? { selectedProtocol: d.selectedProtocolName } : {}),
    ...(nlaRequired !== undefined ? { nlaRequired } : {}),
    ...(standardRdpOnly ? { standardRdpOnly } : {}),
    ...(d.failureName ? { failure: d.failureName } : {}),
  };
}

export function deriveNetbiosFacts(e: HostEvidence): NetbiosFacts | undefined {
  const o = e.nbns;
  if (o?.status !== 'success') return undefined;
  const d = o.data;
  return {
    names: d.names.map((n) => ({ name: n.name, suffix: n.suffix, group: n.group, role: n.role })),
    users: d.users,
    ...(d.computerName !== undefined ? { computerName: d.computerName } : {}),
    ...(d.workgroup !== undefined ? { workgroup: d.workgroup } : {}),
    ...(d.fileServerName !== undefined ? { fileServerName: d.fileServerName } : {}),
    ...(d.domainControllerOf !== undefined ? { domainControllerOf: d.domainControllerOf } : {}),
    ...(d.mac !== undefined ? { mac: d.mac } : {}),
  };
}

export function deriveHostFacts(e: HostEvidence): HostFacts {
  const os = deriveOsFacts(e);
  const smb = deriveSmbFacts(e);
  const rdp = deriveRdpFacts(e);
  const netbios = deriveNetbiosFacts(e);
  return { ...(os ? { os } : {}), ...(smb ? { smb } : {}), ...(rdp ? { rdp } : {}), ...(netbios ? { netbios } : {}) };
}
