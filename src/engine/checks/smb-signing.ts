// smb-signing: does the host require SMB message signing on every protocol it accepts?
// (docs/smb-detection.md §3.8, §7.2). Without required signing, NTLM relay onto this host works.
//
// vulnerable      SMB1 accepted with SecurityMode lacking 0x08, or SMB2 accepted with SecurityMode
//                 lacking 0x02 (the weakest protocol counts: Samba answers SMB1 0x03 and SMB2 0x01).
// not-vulnerable  every protocol the host accepts requires signing, and we know which protocols
//                 it accepts (SMBv1 decided enabled/disabled, SMB2 decided present/absent).
// unknown         a protocol could not be decided (timeout, reset, garbage) and what we saw requires
//                 signing; or no SMB answer at all.

import { dataOf, deriveSmbFacts, smb1PortState, smb2Presence } from './host-facts.js';
import { notApplicable, openPortsOf, result } from './result.js';
import type { Check, CheckMeta } from './types.js';

export const SMB_SIGNING_META: CheckMeta = {
  id: 'smb-signing',
  title: { en: 'SMB signing not required', id: 'Penandatanganan SMB tidak diwajibkan' },
  description: {
    en: 'The SMB server does not require message signing, so an attacker on the network can relay NTLM authentication to it (NTLM relay) and act with the victim’s rights.',
    id: 'Server SMB tidak mewajibkan penandatanganan pesan, sehingga penyerang di jaringan dapat meneruskan autentikasi NTLM ke server ini (NTLM relay) dan bertindak dengan hak akses korban.',
  },
  severity: 'medium',
  categories: ['safe', 'vuln', 'discovery', 'default'],
  tags: ['smb', 'ransomware'],
  cve: [],
  references: [
    'https://learn.microsoft.com/en-us/windows/security/threat-protection/security-policy-settings/microsoft-network-server-digitally-sign-communications-always',
    'https://learn.microsoft.com/en-us/troubleshoot/windows-server/networking/overview-server-message-block-signing',
  ],
  remediation: {
    en:
      "Require SMB signing: enable the Group Policy 'Microsoft network server: Digitally sign communications (always)', or run " +
      '`Set-SmbServerConfiguration -RequireSecuritySignature $true`. Samba: `server signing = mandatory`. Disable SMBv1 as well: its sessions are unsigned on most hosts.',
    id:
      "Wajibkan penandatanganan SMB: aktifkan kebijakan grup 'Microsoft network server: Digitally sign communications (always)', atau jalankan " +
      '`Set-SmbServerConfiguration -RequireSecuritySignature $true`. Samba: atur `server signing = mandatory`. Nonaktifkan juga SMBv1, karena sesinya tidak ditandatangani pada sebagian besar komputer.',
  },
  ports: [445, 139],
  scope: 'host',
};

export const smbSigningCheck: Check = {
  meta: SMB_SIGNING_META,
  needs: { smb1: 'negotiate', smb2: true },
  evaluate(e) {
    if (openPortsOf(SMB_SIGNING_META, e).length === 0) return [notApplicable(SMB_SIGNING_META, e)];
    const f = deriveSmbFacts(e);
    const s2 = smb2Presence(e);
    const ports = [...e.smb1.keys()];
    const smb1States = ports.map((p) => smb1PortState(e, p));
    const s2d = dataOf(e.smb2);
    const port = s2d?.negotiate ? s2d.port : (ports[0] ?? 445);
    const evidence: Record<string, unknown> = {
      smb1: smb1States.map((s) => ({ port: s.port, smbv1: s.state, reason: s.reasonCode })),
      ...(f?.smb1Signing ? { smb1Signing: f.smb1Signing } : {}),
      ...(s2d?.negotiate
        ? { smb2: { port: s2d.port, dialect: s2d.negotiate.dialect, securityMode: `0x${s2d.negotiate.securityMode.toString(16).padStart(4, '0')}`, signing: f?.smb2Signing } }
        : { smb2: s2.state, smb2Detail: s2.detail, smb2DetailCode: s2.note }),
    };
    const weak: string[] = [];
    if (f?.smbv1 && f.smb1Signing && f.smb1Signing !== 'required') weak.push(`SMB1 signing ${f.smb1Signing}`);
    if (f?.smb2 && f.smb2Signing && f.smb2Signing !== 'required') weak.push(`SMB2 signing ${f.smb2Signing}`);
    if (weak.length > 0) {
      return [result(SMB_SIGNING_META, port, 'vulnerable', 'signing-not-required', `signing is not required: ${weak.join(', ')}`, evidence)];
    }
    const smb1Known = f?.smbv1 === false || (f?.smbv1 === true && f.smb1Signing === 'required');
    const smb2Known = f?.smb2 === false || (f?.smb2 === true && f.smb2Signing === 'required');
    if (smb1Known && smb2Known && (f?.smbv1 || f?.smb2)) {
      return [result(SMB_SIGNING_META, port, 'not-vulnerable', 'signing-required', 'every SMB protocol the host accepts requires signing', evidence)];
    }
    const missing: string[] = [];
    if (!smb1Known) missing.push(`SMBv1 ${smb1States.map((s) => `${s.port}: ${s.reasonCode}`).join(', ') || 'not probed'}`);
    if (!smb2Known) missing.push(`SMB2 ${s2.detail}`);
    return [result(SMB_SIGNING_META, port, 'unknown', 'incomplete', `could not decide every protocol the host accepts (${missing.join('; ')})`, evidence)];
  },
};
