// Windows build → product, end of support and WannaCry risk.
//
// Builds: docs/smb-detection.md §4.7 (the list matches Metasploit's windows_version.rb). The
// NTLM Version cannot tell client from server (7601 is Windows 7 SP1 *and* Server 2008 R2 SP1)
// and does not move with monthly patches; NativeOS (SMB1) names the edition when SMBv1 is on.
//
// End-of-support dates: Microsoft lifecycle end of (extended) support for the mainstream
// editions (Home/Pro for Windows 10/11 feature releases, Standard/Datacenter for servers),
// without paid Extended Security Updates. Enterprise/Education/LTSC channels of some Windows 10/11
// releases end later; we cannot see the edition over the network, so those hosts may be flagged
// early — the evidence says which date was used.
//
// WannaCry risk: "Windows 8 / Server 2012 and older" (the 2017 Indonesian
// circulars: build ≤ 9200). Separately, `ms17010AffectedRelease` follows docs/smb-detection.md
// §4.7: every release up to 10.0.14393 shipped with the srv.sys bug (patchable); 15063 and later
// were fixed at release. Neither flag is ever a substitute for the network MS17-010 check.

import { note, type EngineNote } from './notes.js';

export type Edition = 'client' | 'server';

interface Variant {
  readonly name: string;
  /** End of support, YYYY-MM-DD. */
  readonly eol: string;
}

export interface WindowsRelease {
  readonly major: number;
  readonly minor: number;
  readonly build: number;
  readonly client?: Variant;
  readonly server?: Variant;
}

const R = (major: number, minor: number, build: number, client?: Variant, server?: Variant): WindowsRelease => ({
  major, minor, build, ...(client ? { client } : {}), ...(server ? { server } : {}),
});

export const WINDOWS_RELEASES: readonly WindowsRelease[] = [
  R(5, 0, 2195, { name: 'Windows 2000 Professional', eol: '2010-07-13' }, { name: 'Windows 2000 Server', eol: '2010-07-13' }),
  R(5, 1, 2600, { name: 'Windows XP', eol: '2014-04-08' }),
  R(5, 2, 3790, { name: 'Windows XP Professional x64', eol: '2014-04-08' }, { name: 'Windows Server 2003 / 2003 R2', eol: '2015-07-14' }),
  R(6, 0, 6000, { name: 'Windows Vista', eol: '2017-04-11' }),
  R(6, 0, 6001, { name: 'Windows Vista SP1', eol: '2017-04-11' }, { name: 'Windows Server 2008', eol: '2020-01-14' }),
  R(6, 0, 6002, { name: 'Windows Vista SP2', eol: '2017-04-11' }, { name: 'Windows Server 2008 SP2', eol: '2020-01-14' }),
  R(6, 0, 6003, undefined, { name: 'Windows Server 2008 SP2', eol: '2020-01-14' }),
  R(6, 1, 7600, { name: 'Windows 7', eol: '2020-01-14' }, { name: 'Windows Server 2008 R2', eol: '2020-01-14' }),
  R(6, 1, 7601, { name: 'Windows 7 SP1', eol: '2020-01-14' }, { name: 'Windows Server 2008 R2 SP1', eol: '2020-01-14' }),
  R(6, 2, 9200, { name: 'Windows 8', eol: '2016-01-12' }, { name: 'Windows Server 2012', eol: '2023-10-10' }),
  R(6, 3, 9600, { name: 'Windows 8.1', eol: '2023-01-10' }, { name: 'Windows Server 2012 R2', eol: '2023-10-10' }),
  R(10, 0, 10240, { name: 'Windows 10 1507', eol: '2017-05-09' }),
  R(10, 0, 10586, { name: 'Windows 10 1511', eol: '2017-10-10' }),
  R(10, 0, 14393, { name: 'Windows 10 1607', eol: '2018-04-10' }, { name: 'Windows Server 2016', eol: '2027-01-12' }),
  R(10, 0, 15063, { name: 'Windows 10 1703', eol: '2018-10-09' }),
  R(10, 0, 16299, { name: 'Windows 10 1709', eol: '2019-04-09' }, { name: 'Windows Server 1709', eol: '2019-04-09' }),
  R(10, 0, 17134, { name: 'Windows 10 1803', eol: '2019-11-12' }, { name: 'Windows Server 1803', eol: '2019-11-12' }),
  R(10, 0, 17763, { name: 'Windows 10 1809', eol: '2020-11-10' }, { name: 'Windows Server 2019', eol: '2029-01-09' }),
  R(10, 0, 18362, { name: 'Windows 10 1903', eol: '2020-12-08' }),
  R(10, 0, 18363, { name: 'Windows 10 1909', eol: '2021-05-11' }),
  R(10, 0, 19041, { name: 'Windows 10 2004', eol: '2021-12-14' }),
  R(10, 0, 19042, { name: 'Windows 10 20H2', eol: '2022-05-10' }),
  R(10, 0, 19043, { name: 'Windows 10 21H1', eol: '2022-12-13' }),
  R(10, 0, 19044, { name: 'Windows 10 21H2', eol: '2023-06-13' }),
  R(10, 0, 19045, { name: 'Windows 10 22H2', eol: '2025-10-14' }),
  R(10, 0, 20348, undefined, { name: 'Windows Server 2022', eol: '2031-10-14' }),
  R(10, 0, 22000, { name: 'Windows 11 21H2', eol: '2023-10-10' }),
  R(10, 0, 22621, { name: 'Windows 11 22H2', eol: '2024-10-08' }),
  R(10, 0, 22631, { name: 'Windows 11 23H2', eol: '2025-11-11' }),
  R(10, 0, 25398, undefined, { name: 'Windows Server 2022 23H2', eol: '2025-10-24' }),
  R(10, 0, 26100, { name: 'Windows 11 24H2', eol: '2026-10-13' }, { name: 'Windows Server 2025', eol: '2034-11-14' }),
  R(10, 0, 26200, { name: 'Windows 11 25H2', eol: '2027-10-12' }),
];

/** Default build per NT version, for NativeOS strings that carry only "Windows 5.1". */
const DEFAULT_BUILD: Readonly<Record<string, number>> = { '5.0': 2195, '5.1': 2600, '5.2': 3790, '6.0': 6002, '6.1': 7601, '6.2': 9200, '6.3': 9600 };

export function findRelease(build: number): WindowsRelease | undefined {
  return WINDOWS_RELEASES.find((r) => r.build === build);
}

export function defaultBuildFor(version: string): number | undefined {
  return DEFAULT_BUILD[version];
}

/** "Windows 8 / Server 2012 and older" (build ≤ 9200). */
export const WANNACRY_RISK_MAX_BUILD = 9200;
/** Last release that shipped with the MS17-010 srv.sys bug (Windows 10 1607 / Server 2016). */
export const MS17_010_LAST_AFFECTED_BUILD = 14393;

export interface WindowsAssessment {
  /** `Windows 7 SP1`, or `Windows 7 SP1 / Windows Server 2008 R2 SP1` when the edition is unknown. */
  readonly product?: string;
  readonly edition?: Edition;
  readonly version: string;
  readonly build: number;
  /** true/false; undefined when unknown (unlisted build, or client and server differ). */
  readonly eol?: boolean;
  readonly eolDate?: string;
  readonly wannacryRisk: boolean;
  readonly ms17010AffectedRelease: boolean;
  readonly notes: readonly string[];
  /** `notes` in machine form, in the same order (notes.ts). */
  readonly noteCodes: readonly EngineNote[];
}

/** Judges a Windows build at `now`. `edition` comes from NativeOS when SMBv1 told us. */
export function assessWindows(version: { major: number; minor: number; build: number }, edition: Edition | undefined, now: Date): WindowsAssessment {
  const notes: string[] = [];
  const noteCodes: EngineNote[] = [];
  const v = `${version.major}.${version.minor}`;
  const rel = findRelease(version.build);
  const day = now.toISOString().slice(0, 10);
  const base = {
    version: v,
    build: version.build,
    wannacryRisk: version.build > 0 && version.build <= WANNACRY_RISK_MAX_BUILD,
    ms17010AffectedRelease: version.build > 0 && version.build <= MS17_010_LAST_AFFECTED_BUILD,
  };
  if (!rel) {
    notes.push(`build ${version.build} is not in the release table`);
    noteCodes.push(note('os-build-not-listed', { build: version.build }));
    return { ...base, ...(edition ? { edition } : {}), notes, noteCodes };
  }
  const variants: { ed: Edition; v: Variant }[] = [];
  if (rel.client) variants.push({ ed: 'client', v: rel.client });
  if (rel.server) variants.push({ ed: 'server', v: rel.server });
  const pick = edition ? variants.filter((x) => x.ed === edition) : variants;
  const chosen = pick.length > 0 ? pick : variants;
  if (edition && pick.length === 0) {
    const using = chosen.map((c) => c.ed).join('/');
    notes.push(`NativeOS says ${edition}, but build ${version.build} has no ${edition} release; using ${using}`);
    noteCodes.push(note('os-edition-mismatch', { edition, build: version.build, using }));
  }
  const product = chosen.map((c) => c.v.name).join(' / ');
  const ended = chosen.map((c) => c.v.eol <= day);
  let eol: boolean | undefined;
  let eolDate: string | undefined;
  if (ended.every((x) => x)) {
    eol = true;
    eolDate = chosen.map((c) => c.v.eol).sort().at(-1);
  } else if (ended.every((x) => !x)) {
    eol = false;
    eolDate = chosen.map((c) => c.v.eol).sort()[0];
  } else {
    const releases = chosen.map((c) => `${c.v.name} ${c.v.eol}`).join(', ');
    notes.push(`client and server releases of build ${version.build} differ in end of support (${releases}); the edition is not visible`);
    noteCodes.push(note('os-eol-differs', { build: version.build, releases }));
  }
  const ed = edition ?? (chosen.length === 1 ? chosen[0]?.ed : undefined);
  return { ...base, product, ...(ed ? { edition: ed } : {}), ...(eol !== undefined ? { eol } : {}), ...(eolDate ? { eolDate } : {}), notes, noteCodes };
}

export interface NativeOsParse {
  readonly version?: string;
  readonly build?: number;
  readonly edition?: Edition;
  readonly servicePack?: string;
}

/**
 * Reads what a NativeOS string says: `Windows 7 Professional 7601 Service Pack 1`,
 * `Windows Server 2003 3790 Service Pack 2`, `Windows 5.1`, `Windows 10 Enterprise 19044`.
 * Product years ("Server 2003", "Windows 2000") are not builds.
 */
export function parseNativeOs(nativeOs: string): NativeOsParse {
  const out: { version?: string; build?: number; edition?: Edition; servicePack?: string } = {};
  const sp = /Service Pack (\d+)/i.exec(nativeOs);
  if (sp?.[1] !== undefined) out.servicePack = `SP${sp[1]}`;
  if (/\bserver\b/i.test(nativeOs)) out.edition = 'server';
  else if (/Windows (XP|Vista|7|8|8\.1|10|11)\b/i.test(nativeOs)) out.edition = 'client';
  const ver = /Windows (\d+\.\d+)\b/.exec(nativeOs);
  if (ver?.[1] !== undefined) out.version = ver[1];
  const candidates: number[] = [];
  for (const m of nativeOs.matchAll(/(?<!(?:Server|Windows) )\b(\d{4,5})\b/g)) {
    const n = Number(m[1]);
    if (n >= 2195) candidates.push(n);
  }
  const known = candidates.filter((n) => findRelease(n) !== undefined);
  const build = known.at(-1) ?? candidates.at(-1) ?? (out.version !== undefined ? defaultBuildFor(out.version) : undefined);
  if (build !== undefined) out.build = build;
  if (out.version === undefined && build !== undefined) {
    const rel = findRelease(build);
    if (rel) out.version = `${rel.major}.${rel.minor}`;
  }
  return out;
}
