// smb-os-eol: is the Windows version one that no longer gets security updates, or one of the
// "Windows 8 / Server 2012 and older" releases the 2017 WannaCry circulars named? Host-level, from
// SMB1 NativeOS (edition and service pack) and/or the NTLMSSP CHALLENGE Version (build), see
// checks/os-catalog.ts and docs/smb-detection.md §4.7.
//
// vulnerable      Windows past end of support on `now`, or build ≤ 9200 (WannaCry-era).
// not-vulnerable  supported Windows newer than 9200; or not Windows at all (Samba / NTLM build 0).
// unknown         no OS information (SMB1 off and no NTLM answer, timeouts…), an unlisted build, or
//                 a build whose client and server releases differ in support and no NativeOS says which.

import { dataOf, ntlmOf } from './host-facts.js';
import { notApplicable, openPortsOf, result } from './result.js';
import type { Check, CheckMeta } from './types.js';

export const SMB_OS_EOL_META: CheckMeta = {
  id: 'smb-os-eol',
  title: { en: 'Windows version at risk (end of support or WannaCry-era)', id: 'Versi Windows berisiko (dukungan telah berakhir atau sezaman WannaCry)' },
  description: {
    en: 'The host runs a Windows release that no longer receives security updates, or Windows 8 / Server 2012 or older, the releases named in the 2017 WannaCry warnings. Identified over SMB (NativeOS, NTLM version).',
    id: 'Komputer ini menjalankan rilis Windows yang tidak lagi menerima pembaruan keamanan, atau Windows 8 / Server 2012 maupun yang lebih lama, yaitu rilis yang disebut dalam peringatan WannaCry 2017. Dikenali melalui SMB (NativeOS, versi NTLM).',
  },
  severity: 'high',
  categories: ['safe', 'discovery', 'vuln'],
  tags: ['smb', 'ransomware'],
  cve: [],
  references: [
    'https://learn.microsoft.com/en-us/lifecycle/products/',
    'https://learn.microsoft.com/en-us/lifecycle/faq/extended-security-updates',
  ],
  remediation: {
    en:
      'Upgrade to a supported Windows release. If that is not possible yet, isolate the machine (no SMB or RDP from other segments, no Internet), ' +
      'keep it fully patched with whatever updates still exist (or paid Extended Security Updates) and plan its replacement.',
    id:
      'Tingkatkan ke rilis Windows yang masih didukung. Jika belum memungkinkan, isolasi komputer tersebut (tanpa akses SMB atau RDP dari segmen lain dan tanpa akses Internet), ' +
      'pasang semua pembaruan yang masih tersedia (atau Extended Security Updates berbayar), dan rencanakan penggantiannya.',
  },
  ports: [445, 139],
  scope: 'host',
};

export const smbOsEolCheck: Check = {
  meta: SMB_OS_EOL_META,
  needs: { smb1: 'session', smb2: true, ntlm: true },
  evaluate(e, facts) {
    if (openPortsOf(SMB_OS_EOL_META, e).length === 0) return [notApplicable(SMB_OS_EOL_META, e)];
    const os = facts.os;
    const ntlm = ntlmOf(e);
    const port = ntlm?.via === 'smb2' ? dataOf(e.smb2)?.port : [...e.smb1.keys()][0];
    if (!os) {
      const why: string[] = [];
      for (const [p, o] of e.smb1) why.push(`SMB1 ${p}: ${o.status === 'success' ? (dataOf(o)?.stoppedAt ? `stopped at ${dataOf(o)?.stoppedAt}` : 'no NativeOS') : `${o.status} at ${o.step}`}`);
      if (e.smb2) why.push(`SMB2: ${e.smb2.status === 'success' ? (e.smb2.data.session ? `session ${e.smb2.data.session.status}` : 'no NTLM answer') : `${e.smb2.status} at ${e.smb2.step}`}`);
      return [result(SMB_OS_EOL_META, port, 'unknown', 'no-os-information', `the OS could not be identified (${why.join('; ')})`, { attempts: why })];
    }
    const ev: Record<string, unknown> = { os };
    if (os.family !== 'windows') {
      return [result(SMB_OS_EOL_META, port, 'not-vulnerable', `not-windows:${os.family}`, `the SMB server is not Windows (${os.name}${os.sambaTells?.length ? `: ${os.sambaTells.join('; ')}` : ''})`, ev)];
    }
    const what = `${os.name}${os.product && os.product !== os.name ? ` (${os.product})` : ''}${os.build !== undefined ? `, build ${os.build}` : ''}`;
    if (os.eol === true) {
      return [result(SMB_OS_EOL_META, port, 'vulnerable', 'end-of-support', `${what} reached end of support on ${os.eolDate ?? '?'}${os.wannacryRisk ? ' and is a WannaCry-era release (Windows 8 / Server 2012 or older)' : ''}`, ev)];
    }
    if (os.wannacryRisk === true) {
      return [result(SMB_OS_EOL_META, port, 'vulnerable', 'wannacry-era', `${what} is Windows 8 / Server 2012 or older (WannaCry-era release)`, ev)];
    }
    if (os.eol === false) {
      return [result(SMB_OS_EOL_META, port, 'not-vulnerable', 'supported', `${what} is supported until ${os.eolDate ?? '?'}`, ev)];
    }
    if (os.build === undefined) {
      return [result(SMB_OS_EOL_META, port, 'unknown', 'no-build', `the Windows build could not be read (${os.name})`, ev)];
    }
    return [result(SMB_OS_EOL_META, port, 'unknown', 'edition-or-build-ambiguous', `${what}: ${os.notes?.join('; ') ?? 'end of support unknown'}`, ev)];
  },
};
