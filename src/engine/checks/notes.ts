// The closed vocabulary of the engine's notes: the fixed English sentences host-facts.ts and os-catalog.ts
// write into the evidence (Samba tells, OS notes, what is known of SMB2) get a code and the values the
// sentence names, so a reader can say the same in its own language; the English sentence stays beside it
// (the JSONL contract only adds fields, README "JSONL contract"). NOTE_PARAMS lists, per code, the
// parameters the sentence carries: readers (the web UI's dictionaries, tests/web/check-text.test.ts)
// enumerate it instead of copying it. Parameter values are data (names, versions, status codes, steps)
// and are shown as they are.
//
// Also the machine form of why an SMB fact is unknown (FactReason), kept with the fact from the engine to
// the inventory (src/domain/observation.ts SmbSummary).

import type { ReasonCode } from './reasons.js';

export const NOTE_PARAMS = {
  // What is known of SMB2 (host-facts.ts smb2Presence).
  'smb2-answered': ['dialect'],
  'smb2-multi-protocol-answered': ['dialect'],
  'smb2-absent': [],
  'smb2-not-probed': [],
  'smb2-refused': ['status'],
  'smb2-not-sent': [],
  'smb2-failed': ['status', 'step'],
  // Positive non-Windows identification (host-facts.ts sambaTellsSmb1, deriveOsFacts; docs/smb-detection.md §4.7).
  'samba-native-lanman': ['value'],
  'samba-cap-unix': ['capabilities'],
  'samba-ntlm-build-0': ['version'],
  'samba-guid-is-name': ['name'],
  // How the OS was placed (host-facts.ts deriveOsFacts, os-catalog.ts assessWindows).
  'os-build-mismatch': ['nativeBuild', 'ntlmVersion'],
  'os-ntlm-version-ignored': ['version'],
  'os-build-not-listed': ['build'],
  'os-edition-mismatch': ['edition', 'build', 'using'],
  'os-eol-differs': ['build', 'releases'],
} as const satisfies Readonly<Record<string, readonly string[]>>;

export type NoteCode = keyof typeof NOTE_PARAMS;
export const NOTE_CODES = Object.keys(NOTE_PARAMS) as NoteCode[];

/** A note in machine form: its code and the values its sentence names (every parameter NOTE_PARAMS lists). */
export interface EngineNote {
  readonly code: NoteCode;
  readonly params?: Readonly<Record<string, string | number>>;
}

export function note(code: NoteCode, params?: Readonly<Record<string, string | number>>): EngineNote {
  return params === undefined ? { code } : { code, params };
}

/**
 * Evidence fields holding English notes, and the sibling field that holds the same notes in machine form
 * (a list for a list, one note for one sentence). Readers show the sibling translated, the sentence as raw data.
 */
export const NOTE_SIBLINGS = { sambaTells: 'sambaTellCodes', notes: 'noteCodes', smb2Detail: 'smb2DetailCode' } as const;

/**
 * Why an SMB fact (SMBv1 offered, signing required) is unknown, per protocol: a reason code of the SMB1
 * conversation on a port (reasons.ts), or a note on what is known of SMB2.
 */
export type FactReason =
  | { readonly protocol: 'smb1'; readonly port: number; readonly code: ReasonCode }
  | { readonly protocol: 'smb2'; readonly note: EngineNote }
  | { readonly code: ReasonCode };
