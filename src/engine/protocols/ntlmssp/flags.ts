// NTLMSSP NegotiateFlags (MS-NLMP 2.2.2.5) and the Version structure (MS-NLMP 2.2.2.10).

export const NtlmFlags = {
  NEGOTIATE_UNICODE: 0x00000001,
  NEGOTIATE_OEM: 0x00000002,
  REQUEST_TARGET: 0x00000004,
  NEGOTIATE_SIGN: 0x00000010,
  NEGOTIATE_SEAL: 0x00000020,
  NEGOTIATE_DATAGRAM: 0x00000040,
  NEGOTIATE_LM_KEY: 0x00000080,
  NEGOTIATE_NTLM: 0x00000200,
  ANONYMOUS: 0x00000800,
  NEGOTIATE_OEM_DOMAIN_SUPPLIED: 0x00001000,
  NEGOTIATE_OEM_WORKSTATION_SUPPLIED: 0x00002000,
  NEGOTIATE_ALWAYS_SIGN: 0x00008000,
  /** CHALLENGE: the target is a domain (host is domain-joined, docs/smb-detection.md §4.6). */
  TARGET_TYPE_DOMAIN: 0x00010000,
  /** CHALLENGE: the target is a server (workgroup host). */
  TARGET_TYPE_SERVER: 0x00020000,
  NEGOTIATE_EXTENDED_SESSIONSECURITY: 0x00080000,
  NEGOTIATE_IDENTIFY: 0x00100000,
  REQUEST_NON_NT_SESSION_KEY: 0x00400000,
  NEGOTIATE_TARGET_INFO: 0x00800000,
  NEGOTIATE_VERSION: 0x02000000,
  NEGOTIATE_128: 0x20000000,
  NEGOTIATE_KEY_EXCH: 0x40000000,
  NEGOTIATE_56: 0x80000000,
} as const;

/**
 * Our NEGOTIATE flags (docs/smb-detection.md §4.5): 0xE2088297 = 56 | KEY_EXCH | 128 | VERSION |
 * EXTENDED_SESSIONSECURITY | ALWAYS_SIGN | NTLM | LM_KEY | SIGN | REQUEST_TARGET | OEM | UNICODE.
 * Windows 7 sends the same value [P:dpw7#27]; every server in the vectors answered with a full
 * CHALLENGE including target info.
 */
export const DEFAULT_NEGOTIATE_FLAGS = 0xe2088297;

/** NTLMSSP_REVISION_W2K3, the only value in use (MS-NLMP 2.2.2.10). */
export const NTLMSSP_REVISION_W2K3 = 0x0f;

export interface NtlmVersion {
  readonly major: number;
  readonly minor: number;
  readonly build: number;
  readonly ntlmRevision: number;
}

/** The Version our NEGOTIATE carries (6.1.7601, revision 15), as our probe sent [L:ns1_probe_os2#8]. */
export const DEFAULT_CLIENT_VERSION: NtlmVersion = { major: 6, minor: 1, build: 7601, ntlmRevision: NTLMSSP_REVISION_W2K3 };

export function formatNtlmVersion(v: NtlmVersion): string {
  return `${v.major}.${v.minor}.${v.build}`;
}
