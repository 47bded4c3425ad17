// Check plug-ins: metadata as data (as nuclei templates and nmap NSE scripts declare theirs) and
// a pure evaluate() over the probe outcomes of one host. Verdicts follow docs/smb-detection.md §8:
// `vulnerable`, `not-vulnerable` or `unknown`, always with a reason and evidence; a probe failure
// is never `not-vulnerable`.

import type { ProbeOutcome } from '../probes/outcome.js';
import type { HostFacts } from './host-facts.js';
import type { NbstatData } from '../probes/nbns.js';
import type { RdpProbeData } from '../probes/rdp.js';
import type { Smb1ChainData, Smb1Depth } from '../probes/smb1-chain.js';
import type { Smb1NtlmData } from '../probes/smb1-ntlm.js';
import type { Smb2ProbeData } from '../probes/smb2-probe.js';
import type { ReasonCode } from './reasons.js';

export type CheckId = 'smbv1' | 'smb-signing' | 'ms17-010' | 'doublepulsar' | 'smb-os-eol' | 'rdp-exposed' | 'netbios-ns';
export type Severity = 'info' | 'low' | 'medium' | 'high' | 'critical';
/** nmap's NSE script categories, a closed vocabulary; every check here is `safe` (no exploit, no write). */
export type Category = 'safe' | 'vuln' | 'malware' | 'discovery' | 'default' | 'intrusive';
/** Selection groups: `ransomware` = every check in this module. */
export type CheckTag = 'smb' | 'rdp' | 'netbios' | 'ransomware';
export type CheckState = 'vulnerable' | 'not-vulnerable' | 'unknown';

export interface Localized {
  readonly en: string;
  /** Bahasa Indonesia. */
  readonly id: string;
}

export interface CheckMeta {
  readonly id: CheckId;
  readonly title: Localized;
  readonly description: Localized;
  readonly severity: Severity;
  readonly categories: readonly Category[];
  readonly tags: readonly CheckTag[];
  readonly cve: readonly string[];
  readonly references: readonly string[];
  readonly remediation: Localized;
  /** Ports the check is about (TCP unless `udp`). */
  readonly ports: readonly number[];
  readonly udp?: boolean;
  /** `port`: one result per open port of `ports`; `host`: one result for the host. */
  readonly scope: 'port' | 'host';
}

/** What a check needs the runner to probe. */
export interface ProbeNeeds {
  /** How far the SMB1 conversation must go on each SMB port. */
  readonly smb1?: Smb1Depth;
  /** SMB2 NEGOTIATE (highest dialect, signing). */
  readonly smb2?: boolean;
  /** Every SMB2 dialect (one connection per dialect below the highest). */
  readonly smb2Dialects?: boolean;
  /** NTLMSSP CHALLENGE (SMB2 SESSION_SETUP, or SMB1 extended security when SMB2 is absent). */
  readonly ntlm?: boolean;
  readonly nbns?: boolean;
  readonly rdp?: boolean;
}

export interface CheckResult {
  readonly check: CheckId;
  readonly port?: number;
  readonly state: CheckState;
  /** Stable machine code, e.g. `insuff-server-resources`, `smb1-disabled`, `auth-refused:0xC0000022` (reasons.ts). */
  readonly reasonCode: ReasonCode;
  /** One human sentence (English) explaining the state. */
  readonly reason: string;
  /** false when the check could not apply (no relevant open port): the state is then `unknown`. */
  readonly applicable: boolean;
  /** JSON-serialisable facts behind the verdict: step reached, NTSTATUS code and name, strings, dialect, MID… */
  readonly evidence: Readonly<Record<string, unknown>>;
}

/** The full SMB2 dialect list (one single-dialect NEGOTIATE per dialect below the highest). */
export interface Smb2DialectProbe {
  readonly dialect: string;
  /** true/false = the server said so; null = no usable answer (timeout…). */
  readonly accepted: boolean | null;
  readonly detail: string;
}

/** Everything the probes produced for one host; checks read only this. */
export interface HostEvidence {
  readonly ip: string;
  readonly openPorts: ReadonlySet<number>;
  readonly closedPorts: ReadonlySet<number>;
  /** SMB1 conversation per SMB port (445, 139). */
  readonly smb1: ReadonlyMap<number, ProbeOutcome<Smb1ChainData>>;
  /** All-dialect SMB2 NEGOTIATE (+ NTLMSSP) on `smb2.data.port`. */
  readonly smb2?: ProbeOutcome<Smb2ProbeData>;
  readonly smb2Dialects?: readonly Smb2DialectProbe[];
  /** Multi-protocol negotiate + SMB1 NTLMSSP, run when the SMB2 NEGOTIATE got no answer. */
  readonly smb1Ntlm?: ProbeOutcome<Smb1NtlmData>;
  readonly nbns?: ProbeOutcome<NbstatData>;
  readonly rdp?: ProbeOutcome<RdpProbeData>;
  /** Second RDP request offering TLS only (is NLA enforced?). */
  readonly rdpNla?: ProbeOutcome<RdpProbeData>;
  /** Reference time for end-of-support decisions. */
  readonly now: Date;
}

export interface Check {
  readonly meta: CheckMeta;
  readonly needs: ProbeNeeds;
  evaluate(e: HostEvidence, facts: HostFacts): CheckResult[];
}
