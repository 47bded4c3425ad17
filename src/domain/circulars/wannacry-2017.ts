// The May 2017 WannaCry circular Perisai ships as a template (version 1 of key "wannacry-2017"): what a
// city IT office asked every agency in May 2017 (Kominfo's seven steps of 14 May 2017 and
// ID-SIRTII's variant, as regional Diskominfo offices passed them on as an agency checklist), written
// in Perisai's own words as a surat edaran in the layout of docs/circulars.md, "The letter". Each
// checklist item says how it is verified: `scan` items are bound to the finding rules of
// src/domain/finding-signals.ts, so the network — not the agency's word — decides them.
//
// The bracketed parts of the letterhead and signature ("[NAMA KOTA]") are the office's to fill in when it
// copies the template (docs/circulars.md "Templates"); a circular cannot be sent while they remain.

import type { CircularContent } from '../circular.js';

const t = (id: string, en: string) => ({ id, en });

export interface CircularTemplateSource {
  readonly key: string;
  readonly title: string;
  readonly url: string | null;
}

export interface CircularTemplate {
  /** Stable name across versions. */
  readonly key: string;
  readonly name: { readonly id: string; readonly en: string };
  readonly description: { readonly id: string; readonly en: string };
  readonly content: CircularContent;
  readonly sources: readonly CircularTemplateSource[];
}

/** Marks the template text the office must replace before sending (checked by placeholdersLeft). */
export const PLACEHOLDER = /\[[A-Z][A-Z /]+\]/;

export const WANNACRY_2017: CircularTemplate = {
  key: 'wannacry-2017',
  name: t('Surat edaran kewaspadaan ransomware WannaCry (Mei 2017)', 'WannaCry ransomware alert circular (May 2017)'),
  description: t(
    'Edaran darurat kepada seluruh perangkat daerah: putus jaringan sampai siap, cadangkan data, perbarui antivirus, pasang MS17-010, matikan SMBv1, blokir port 139/445/3389, daftar Windows usang, laporkan tanda infeksi.',
    'Emergency circular to every agency: disconnect until prepared, back up data, update antivirus, install MS17-010, disable SMBv1, block ports 139/445/3389, list end-of-support Windows, report signs of infection.',
  ),
  sources: [
    { key: 'kominfo-2017', title: 'Kominfo — Siaran Pers No. 55 dan 56/HM/KOMINFO/05/2017: tujuh langkah pencegahan ransomware WannaCry (13–14 Mei 2017)', url: null },
    { key: 'id-sirtii-2017', title: 'ID-SIRTII/CC — imbauan penanganan WannaCry: putus jaringan, matikan SMB dan makro, blokir 139/445/3389, pasang patch dari komputer lain', url: null },
    { key: 'msrc-2017', title: 'Microsoft MSRC — Customer guidance for WannaCrypt attacks (12 May 2017) and security bulletin MS17-010 (14 March 2017)', url: 'https://msrc.microsoft.com/blog/2017/05/customer-guidance-for-wannacrypt-attacks/' },
    { key: 'kb4023262', title: 'Microsoft KB4023262 — How to verify that MS17-010 is installed', url: 'https://support.microsoft.com/help/4023262' },
    { key: 'kb2696547', title: 'Microsoft KB2696547 — How to detect, enable and disable SMBv1, SMBv2 and SMBv3 in Windows', url: 'https://support.microsoft.com/help/2696547' },
    { key: 'cisa-ed-20-04', title: 'CISA Emergency Directive 20-04: patch or disconnect, reconnect only when patched, completion report', url: 'https://www.cisa.gov/news-events/directives/ed-20-04-mitigate-netlogon-elevation-privilege-vulnerability-august-2020-patch-tuesday' },
    { key: 'nist-si-5', title: 'NIST SP 800-53 Rev. 5 SI-5: implement directives in the time frames set, or report the degree of noncompliance', url: 'https://csrc.nist.gov/projects/cprt/catalog#/cprt/framework/version/SP_800_53_5_1_1/home?element=SI-5' },
  ],
  content: {
    issuer: {
      government: 'PEMERINTAH KOTA [NAMA KOTA]',
      unit: 'DINAS KOMUNIKASI DAN INFORMATIKA',
      address: '[ALAMAT KANTOR]',
      phone: null,
      email: null,
      website: null,
      place: '[NAMA KOTA]',
    },
    addressee: t('Kepala Perangkat Daerah di Lingkungan Pemerintah Kota [NAMA KOTA]', 'Heads of the agencies of the City Government of [NAMA KOTA]'),
    signatory: {
      name: '[NAMA KEPALA DINAS]',
      position: t('KEPALA DINAS KOMUNIKASI DAN INFORMATIKA', 'HEAD OF THE COMMUNICATION AND INFORMATICS OFFICE'),
      onBehalfOf: t('a.n. WALI KOTA [NAMA KOTA]', 'on behalf of THE MAYOR OF [NAMA KOTA]'),
      rank: null,
      nip: null,
    },
    classification: 'biasa',
    urgency: 'sangat-segera',
    subject: t('KEWASPADAAN DAN PENCEGAHAN SERANGAN RANSOMWARE WANNACRY', 'ALERT AND PREVENTION OF WANNACRY RANSOMWARE ATTACKS'),
    sections: {
      background: t(
        'Sejak 12 Mei 2017 ransomware WannaCry menyebar ke seluruh dunia melalui celah SMB pada Windows (MS17-010) dan telah melumpuhkan layanan di sejumlah rumah sakit di Indonesia. Komputer yang terinfeksi mengunci seluruh berkasnya dan menulari komputer lain di jaringan yang sama tanpa tindakan pengguna.',
        'Since 12 May 2017 the WannaCry ransomware has spread worldwide through the Windows SMB flaw (MS17-010) and has stopped services at several hospitals in Indonesia. An infected computer locks all its files and infects other computers on the same network without any user action.',
      ),
      basis: t(
        '1. Undang-Undang Nomor 11 Tahun 2008 tentang Informasi dan Transaksi Elektronik sebagaimana telah diubah;\n2. Peraturan Presiden Nomor 95 Tahun 2018 tentang Sistem Pemerintahan Berbasis Elektronik;\n3. Siaran Pers Kementerian Komunikasi dan Informatika Nomor 55 dan 56/HM/KOMINFO/05/2017 tentang pencegahan ransomware WannaCry.',
        '1. Law No. 11 of 2008 on Electronic Information and Transactions, as amended;\n2. Presidential Regulation No. 95 of 2018 on Electronic-Based Government Systems;\n3. Ministry of Communication and Informatics press releases No. 55 and 56/HM/KOMINFO/05/2017 on preventing the WannaCry ransomware.',
      ),
      instructions: t(
        'Sehubungan dengan hal tersebut, setiap Kepala Perangkat Daerah diminta memastikan langkah-langkah pada Lampiran dilaksanakan di unit kerjanya sesuai tenggat masing-masing, dan melaporkan pelaksanaannya melalui tautan balasan yang menyertai surat ini. Pernyataan "selesai" untuk butir yang dapat diperiksa akan diverifikasi dengan pemindaian jaringan oleh Dinas Komunikasi dan Informatika. Perangkat daerah tidak menyambungkan kembali jaringannya ke jaringan kota dan Internet sebelum dinyatakan boleh tersambung.',
        'Each head of agency is asked to ensure the steps in the Annex are carried out in the agency by their deadlines and to report through the reply link that accompanies this letter. A "done" answer to an item that can be checked will be verified by a network scan by the Communication and Informatics Office. Agencies do not reconnect their network to the city network and the Internet before they are cleared to.',
      ),
      closing: t(
        'Demikian surat edaran ini disampaikan untuk dilaksanakan dengan penuh tanggung jawab.',
        'This circular is issued to be carried out with full responsibility.',
      ),
    },
    tembusan: [
      { title: 'Wali Kota [NAMA KOTA] (sebagai laporan)', email: null },
      { title: 'Sekretaris Daerah Kota [NAMA KOTA]', email: null },
      { title: 'Inspektur Kota [NAMA KOTA]', email: null },
    ],
    lampiran: [],
    deadlines: [],
    audience: { kind: 'all' },
    items: [
      {
        code: 'disconnect', required: true, remediation: 'mitigation', evidence: 'none', dueAfterHours: 4, dueAt: null, verification: { mode: 'attest' }, applicability: null,
        title: t('Putuskan komputer dari LAN, Wi-Fi dan Internet sampai siap', 'Disconnect computers from the LAN, Wi-Fi and Internet until prepared'),
        guidance: {
          staff: t('Sebelum menyalakan komputer, cabut kabel jaringan dan matikan Wi-Fi/hotspot. Jangan sambungkan kembali sebelum TI instansi menyatakan siap.', 'Before switching a computer on, pull the network cable and switch Wi-Fi/hotspot off. Do not reconnect before the agency IT officer says it is ready.'),
          'agency-it': t('Catat jam pemutusan dan, nanti, jam penyambungan kembali. Sambung kembali hanya setelah butir lain selesai dan Diskominfo menyatakan boleh tersambung.', 'Record when the network was cut and, later, when it was reconnected. Reconnect only once the other items are done and Diskominfo clears the agency.'),
        },
      },
      {
        code: 'backup-offline', required: true, remediation: 'mitigation', evidence: 'photo', dueAfterHours: 24, dueAt: null, verification: { mode: 'attest' }, applicability: null,
        title: t('Cadangkan data penting ke media terpisah yang tidak tersambung', 'Back up important data to separate, offline media'),
        guidance: {
          'agency-it': t('Salin data penting ke hard disk eksternal atau ke komputer non-Windows, lalu lepaskan medianya. Catat apa yang dicadangkan, di mana, dan siapa yang menyimpannya.', 'Copy important data to an external disk or a non-Windows computer, then disconnect the media. Record what was backed up, where, and who holds it.'),
          'agency-head': t('Pastikan ada penanggung jawab cadangan data dan media disimpan terpisah dari jaringan.', 'Make sure someone is responsible for the backup and that the media is kept off the network.'),
        },
      },
      {
        code: 'antivirus', required: true, remediation: 'mitigation', evidence: 'machine-count', dueAfterHours: 48, dueAt: null, verification: { mode: 'attest' }, applicability: null,
        title: t('Perbarui antivirus dan jalankan pemindaian penuh', 'Update antivirus and run a full scan'),
        guidance: {
          'agency-it': t('Perbarui basis data antivirus (Windows Defender mengenali Ransom:Win32/WannaCrypt) di setiap komputer Windows dan jalankan pemindaian penuh. Laporkan N dari M komputer.', 'Update the antivirus signatures (Windows Defender detects Ransom:Win32/WannaCrypt) on every Windows computer and run a full scan. Report N of M computers.'),
        },
      },
      {
        code: 'ms17-010', required: true, remediation: 'vendor-fix', evidence: 'kb-list', dueAfterHours: 72, dueAt: null, verification: { mode: 'scan', rules: ['ms17-010'] }, applicability: null,
        title: t('Pasang pembaruan keamanan MS17-010 di semua komputer dan server Windows', 'Install the MS17-010 security update on every Windows computer and server'),
        guidance: {
          'agency-it': t('Unduh pembaruan di komputer lain yang tidak kritis, bawa dengan media lepas, lalu pasang. Pilih versi Windows dan isikan KB yang terpasang; pembaruan khusus keamanan April 2017 tidak memuat perbaikan ini. Untuk Windows XP/2003/8 gunakan KB4012598 (13 Mei 2017 WIB).', 'Download the update on another, non-critical computer, carry it over on removable media and install it. Choose the Windows version and enter the KBs installed; April 2017\'s security-only update does not contain the fix. For Windows XP/2003/8 use KB4012598 (12 May 2017, US).'),
        },
      },
      {
        code: 'smbv1-off', required: true, remediation: 'workaround', evidence: 'machine-count', dueAfterHours: 72, dueAt: null, verification: { mode: 'scan', rules: ['smbv1'] }, applicability: null,
        title: t('Matikan SMBv1 di mana memungkinkan', 'Disable SMBv1 wherever possible'),
        guidance: {
          'agency-it': t('Matikan SMBv1 (panduan Microsoft KB2696547). Windows XP/2003 dan perangkat lama hanya mengenal SMBv1: catat mesin tersebut di butir Windows usang.', 'Disable SMBv1 (Microsoft guide KB2696547). Windows XP/2003 and old devices speak only SMBv1: list those machines under the end-of-support item.'),
        },
      },
      {
        code: 'block-ports', required: true, remediation: 'mitigation', evidence: 'file', dueAfterHours: 72, dueAt: null, verification: { mode: 'scan', rules: ['exposure-smb', 'exposure-rdp'] }, applicability: null,
        title: t('Blokir port 139, 445 dan 3389 di batas jaringan instansi', 'Block ports 139, 445 and 3389 at the agency boundary'),
        guidance: {
          'agency-it': t('Blokir lalu lintas masuk ke port 139/445 (SMB) dan 3389 (RDP) di firewall/router instansi dan di komputer yang menghadap Internet. Unggah tangkapan layar atau ekspor aturan firewall.', 'Block inbound traffic to ports 139/445 (SMB) and 3389 (RDP) at the agency firewall or router and on computers facing the Internet. Upload a screenshot or an export of the firewall rules.'),
        },
      },
      {
        code: 'eol-windows', required: false, remediation: 'none-available', evidence: 'file', dueAfterHours: 168, dueAt: null, verification: { mode: 'attest' },
        applicability: t('Hanya instansi yang masih memakai Windows XP, Server 2003, Vista, 7 atau 8', 'Only agencies still running Windows XP, Server 2003, Vista, 7 or 8'),
        title: t('Daftar Windows yang tidak lagi didukung beserta rencana penggantian atau isolasi', 'List end-of-support Windows with a replacement or isolation plan'),
        guidance: {
          'agency-it': t('Daftar setiap mesin (nama, IP, fungsi) dengan rencana: ganti, tingkatkan, atau isolasi dari jaringan. Unggah daftarnya.', 'List every machine (name, IP, role) with its plan: replace, upgrade or isolate from the network. Upload the list.'),
          'agency-head': t('Setujui rencana dan anggarannya.', 'Approve the plan and its budget.'),
        },
      },
      {
        code: 'no-infection', required: true, remediation: 'mitigation', evidence: 'none', dueAfterHours: 24, dueAt: null, verification: { mode: 'scan', rules: ['doublepulsar'] }, applicability: null,
        title: t('Tidak ada tanda infeksi; bila ada, laporkan insiden sekarang', 'No sign of infection; if there is one, report an incident now'),
        guidance: {
          staff: t('Tanda infeksi: layar tebusan, berkas berakhiran .WNCRY, berkas "@Please_Read_Me@.txt". Bila melihatnya, jangan matikan komputer, cabut kabel jaringan, dan laporkan lewat formulir laporan insiden.', 'Signs of infection: a ransom screen, files ending in .WNCRY, a file "@Please_Read_Me@.txt". If you see one, do not switch the computer off, pull the network cable, and report through the incident form.'),
          'agency-it': t('Pemindaian Diskominfo juga memeriksa implan DoublePulsar yang dipakai WannaCry.', 'Diskominfo\'s scan also checks for the DoublePulsar implant WannaCry used.'),
        },
      },
    ],
  },
};

/** The templates Perisai ships (seeded as version 1 of each key). */
export const BUILTIN_CIRCULAR_TEMPLATES: readonly CircularTemplate[] = [WANNACRY_2017];

/** The fields of a circular that still hold a template placeholder; a circular is not sent while any does. */
export function placeholdersLeft(c: CircularContent): string[] {
  const out: string[] = [];
  const visit = (v: unknown, path: string): void => {
    if (typeof v === 'string') {
      if (PLACEHOLDER.test(v)) out.push(path);
    } else if (Array.isArray(v)) v.forEach((x, i) => visit(x, `${path}.${i}`));
    else if (typeof v === 'object' && v !== null) for (const [k, x] of Object.entries(v)) visit(x, path === '' ? k : `${path}.${k}`);
  };
  visit(c, '');
  return out;
}
