// NTLMSSP CHALLENGE → JSON facts (docs/smb-detection.md §4.6): version (only when trustworthy),
// NetBIOS/DNS computer and domain names, forest, server clock, domain membership. Shared by the
// SMB2 and SMB1-extended probes.

import { filetimeToIso } from '../protocols/bytes/filetime.js';
import { hex32 } from '../protocols/bytes/hex.js';
import { decodeNtlmChallenge, isDomainJoined } from '../protocols/ntlmssp/challenge.js';
import { formatNtlmVersion } from '../protocols/ntlmssp/flags.js';
import { extractNtlmToken } from '../protocols/spnego/spnego.js';

export interface NtlmInfo {
  /** `10.0.19045` — the 8 bytes at offset 48 as sent, even if untrusted (see versionTrusted). */
  readonly version?: string;
  readonly major?: number;
  readonly minor?: number;
  readonly build?: number;
  /** NEGOTIATE_VERSION set and NTLMRevisionCurrent 0x0F (§4.6); otherwise do not use the version. */
  readonly versionTrusted: boolean;
  readonly flagsHex: string;
  readonly targetName: string;
  readonly nbComputerName?: string;
  readonly nbDomainName?: string;
  readonly dnsComputerName?: string;
  readonly dnsDomainName?: string;
  readonly dnsTreeName?: string;
  /** Server clock from MsvAvTimestamp (absent on XP/2003). */
  readonly timestamp?: string;
  readonly domainJoined: boolean;
  /** Where the NTLMSSP message sat in the security blob: raw, SPNEGO… (§4.4). */
  readonly tokenSource: string;
}

/** Finds and decodes the CHALLENGE in a security blob; undefined when there is none. Throws DecodeError on a malformed one. */
export function ntlmInfoFromBlob(blob: Uint8Array): NtlmInfo | undefined {
  const tok = extractNtlmToken(blob);
  if (tok === undefined) return undefined;
  const ch = decodeNtlmChallenge(tok.token);
  const i = ch.info;
  const ts = i.timestamp !== undefined ? filetimeToIso(i.timestamp) : undefined;
  const v = ch.version;
  return {
    ...(v ? { version: formatNtlmVersion(v), major: v.major, minor: v.minor, build: v.build } : {}),
    versionTrusted: ch.versionTrusted,
    flagsHex: hex32(ch.flags),
    targetName: ch.targetName,
    ...(i.nbComputerName !== undefined ? { nbComputerName: i.nbComputerName } : {}),
    ...(i.nbDomainName !== undefined ? { nbDomainName: i.nbDomainName } : {}),
    ...(i.dnsComputerName !== undefined ? { dnsComputerName: i.dnsComputerName } : {}),
    ...(i.dnsDomainName !== undefined ? { dnsDomainName: i.dnsDomainName } : {}),
    ...(i.dnsTreeName !== undefined ? { dnsTreeName: i.dnsTreeName } : {}),
    ...(ts !== undefined ? { timestamp: ts } : {}),
    domainJoined: isDomainJoined(ch),
    tokenSource: tok.source,
  };
}
