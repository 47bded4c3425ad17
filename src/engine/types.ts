// Result vocabulary shared by the scanner, the checks and every output format.
// Reasons use nmap's words (nmap.org/book/output-formats-xml-output.html, <state reason=…>)
// so the XML output stays importable by tools that know nmap.

import type { NetbiosFacts, OsFacts, RdpFacts, SmbFacts } from './checks/host-facts.js';
import type { CheckState, Severity } from './checks/types.js';

export type IpFamily = 4 | 6;

/** One address to probe; `hostname` is kept when the user named the host. */
export interface Target {
  readonly ip: string;
  readonly family: IpFamily;
  readonly hostname?: string;
}

export type PortState = 'open' | 'closed' | 'filtered';

/**
 * Why a port got its state.
 * - syn-ack: the handshake completed (open)
 * - conn-refused: the target answered with RST (closed)
 * - no-response: no answer before the timeout, after the retry (filtered)
 * - host-unreach / net-unreach / admin-prohibited / port-unreach: ICMP error seen by the kernel (filtered)
 * - scope-refused: never dialed because the address is outside the scan scope
 * - error: a local error we could not classify (reported as filtered: an error is never "closed")
 */
export type PortReason =
  | 'syn-ack'
  | 'conn-refused'
  | 'no-response'
  | 'host-unreach'
  | 'net-unreach'
  | 'admin-prohibited'
  | 'port-unreach'
  | 'scope-refused'
  | 'error';

export interface PortResult {
  readonly type: 'port';
  readonly ip: string;
  readonly hostname?: string;
  readonly port: number;
  readonly proto: 'tcp';
  readonly state: PortState;
  readonly reason: PortReason;
  /** Round-trip time of the answer that decided the state, in ms (absent for timeouts). */
  readonly rttMs?: number;
  readonly service?: string;
  readonly banner?: string;
}

export interface HostResult {
  readonly type: 'host';
  readonly ip: string;
  readonly hostname?: string;
  /** up = at least one probe got an answer (SYN-ACK or RST). */
  readonly state: 'up' | 'down';
  readonly reason: 'syn-ack' | 'conn-refused' | 'no-response' | 'host-unreach' | 'net-unreach';
  readonly open: number;
  readonly closed: number;
  readonly filtered: number;
  /** Smoothed RTT over this host's answers, ms. */
  readonly srttMs?: number;
  /** Host facts from the checks stage (only when checks ran and learned something). */
  readonly os?: OsFacts;
  readonly smb?: SmbFacts;
  readonly rdp?: RdpFacts;
  readonly netbios?: NetbiosFacts;
}

/** One check verdict (README "JSONL contract"): vulnerable / not-vulnerable / unknown, always with a reason. */
export interface CheckLine {
  readonly type: 'check';
  readonly ip: string;
  readonly hostname?: string;
  /** The port the verdict is about; absent for host-level checks (e.g. smb-signing, smb-os-eol). */
  readonly port?: number;
  readonly check: string;
  readonly state: CheckState;
  readonly reason: string;
  /** Stable machine code of the reason, e.g. insuff-server-resources, smb1-disabled, timeout. */
  readonly reasonCode: string;
  readonly severity: Severity;
  /** English title; titleId = Bahasa Indonesia. */
  readonly title: string;
  readonly titleId: string;
  readonly evidence: Readonly<Record<string, unknown>>;
}

export interface ScanSummary {
  readonly type: 'summary';
  readonly startedAt: string;
  readonly endedAt: string;
  readonly durationMs: number;
  readonly hosts: number;
  readonly hostsUp: number;
  readonly ports: number;
  readonly probesPlanned: number;
  readonly probesSent: number;
  readonly retries: number;
  readonly open: number;
  readonly closed: number;
  readonly filtered: number;
  readonly refusedByScope: number;
  /** Check verdicts by state (absent when no checks ran). */
  readonly checks?: { readonly run: number; readonly vulnerable: number; readonly notVulnerable: number; readonly unknown: number };
  /** true when the scan was stopped (Ctrl-C, deadline) before every probe completed. */
  readonly interrupted: boolean;
  readonly engine: {
    readonly socketLayer: 'tcp_wrap' | 'net';
    readonly windowMax: number;
    readonly windowFinal: number;
    readonly timeoutMs: number;
  };
}
