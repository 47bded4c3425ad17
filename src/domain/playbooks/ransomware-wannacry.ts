// The WannaCry-class ransomware playbook Perisai ships (version 1 of key "ransomware-wannacry"), for an
// RSUD, a Puskesmas or an OPD: what the person at the infected computer does, what the agency's IT officer
// does, what the city CSIRT does. Written for Perisai in its own words; each step names where its advice
// comes from (the `sources` below). The order of the first steps follows CISA's instruction to take
// isolation, power and triage in sequence.
//
// Two facts specific to this family shape the reporter's steps:
//  - do not switch the computer off if it can be cut from the network: the WannaCry key-recovery tools
//    (WannaKey, wanakiwi, May 2017) rebuild the key from memory, which a restart erases — the reason
//    behind CISA's "power down only if you cannot disconnect";
//  - the exception: a fake "disk repair"/CHKDSK screen (Petya/NotPetya, June 2017) is encryption in
//    progress, and Indonesia's ID-SIRTII/CC advised switching off at once — so the card asks which screen
//    the person sees (the step's branches).

import type { PlaybookDefinition } from '../playbook.js';

const t = (id: string, en: string) => ({ id, en });

export const RANSOMWARE_WANNACRY: PlaybookDefinition = {
  key: 'ransomware-wannacry',
  title: t('Ransomware kelas WannaCry (SMB/MS17-010)', 'WannaCry-class ransomware (SMB/MS17-010)'),
  description: t(
    'Langkah per peran untuk komputer yang terkena ransomware yang menyebar lewat SMB (WannaCry dan sejenisnya) di RSUD, Puskesmas atau OPD: pelapor di depan komputer, TI instansi, dan CSIRT kota.',
    'Steps by role for computers hit by ransomware that spreads over SMB (WannaCry and its kind) at a hospital, a community health centre or an agency: the person at the computer, the agency IT officer, and the city CSIRT.',
  ),
  conditions: { classifications: ['malicious-code:ransomware', 'malicious-code:worm'], assetKinds: [] },
  sources: [
    { key: 'cisa-checklist', title: 'CISA #StopRansomware Guide — Ransomware Response Checklist (May 2023 update)', url: 'https://www.cisa.gov/stopransomware/ransomware-guide' },
    { key: 'cisa-msisac-2020', title: 'CISA & MS-ISAC Ransomware Guide (September 2020), incl. the list of artefacts investigators ask for', url: 'https://www.cisa.gov/sites/default/files/publications/CISA_MS-ISAC_Ransomware%20Guide_S508C.pdf' },
    { key: 'ncsc-infected', title: 'NCSC (UK) — Mitigating malware and ransomware attacks: steps to take if your organisation is already infected', url: 'https://www.ncsc.gov.uk/guidance/mitigating-malware-and-ransomware-attacks' },
    { key: 'kominfo-2017', title: 'Kominfo — tujuh langkah pencegahan dan penanganan ransomware WannaCry (14 Mei 2017)', url: null },
    { key: 'id-sirtii-petya', title: 'ID-SIRTII/CC — imbauan ransomware Petya/NotPetya: matikan komputer bila muncul layar CHKDSK palsu (Juni 2017)', url: null },
    { key: 'wanakiwi', title: 'WannaKey (A. Guinet, Quarkslab) and wanakiwi (B. Delpy, M. Suiche): WannaCry key recovery from memory, only before a reboot (May 2017)', url: 'https://github.com/gentilkiwi/wanakiwi' },
    { key: 'msrc-2017', title: 'Microsoft MSRC — Customer guidance for WannaCrypt attacks (12 May 2017) and security bulletin MS17-010', url: 'https://msrc.microsoft.com/blog/2017/05/customer-guidance-for-wannacrypt-attacks/' },
    { key: 'perban-bssn-1-2024', title: 'Peraturan BSSN No. 1 Tahun 2024 tentang Pengelolaan Insiden Siber, Pasal 15 (pelaporan, 1×24 jam untuk IIV) dan Pasal 18 (penanggulangan dan pemulihan)', url: null },
    { key: 'uu-pdp-46', title: 'UU No. 27 Tahun 2022 tentang Pelindungan Data Pribadi, Pasal 46 (pemberitahuan 3×24 jam)', url: null },
    { key: 'perpres-82-2022', title: 'Perpres No. 82 Tahun 2022 tentang Pelindungan Infrastruktur Informasi Vital (sektor IIV dan instansi pengampunya)', url: null },
    { key: 'csirt-kota-flow', title: 'Alur CSIRT kota: laporan → verifikasi → analisis → rekomendasi → mitigasi oleh pemilik sistem → CSIRT memverifikasi perbaikan', url: null },
  ],
  steps: [
    // ---- the person at the computer (petugas loket, perawat, staf OPD): at most eight steps, one card ----
    {
      id: 'reporter-hands-off', role: 'reporter', required: true, after: [], action: null, branches: [], evidence: null,
      title: t('Jangan klik apa pun di layar tebusan', 'Do not click anything on the ransom screen'),
      detail: t('Jangan membayar dan jangan menghubungi pembuatnya. Biarkan layar seperti apa adanya.', 'Do not pay and do not contact the attackers. Leave the screen as it is.'),
      sources: ['ncsc-infected', 'cisa-checklist'],
    },
    {
      id: 'reporter-unplug', role: 'reporter', required: true, after: ['reporter-hands-off'], action: null, branches: [], evidence: null,
      title: t('Cabut kabel jaringan dan matikan Wi-Fi komputer itu', 'Pull the network cable and switch the computer\'s Wi-Fi off'),
      detail: t('Kabel biru/abu-abu di belakang komputer. Wi-Fi: ikon jaringan di pojok kanan bawah → matikan.', 'The blue or grey cable at the back of the computer. Wi-Fi: the network icon at the bottom right → off.'),
      sources: ['cisa-checklist', 'ncsc-infected', 'kominfo-2017'],
    },
    {
      id: 'reporter-power', role: 'reporter', required: true, after: ['reporter-unplug'], action: null, evidence: null,
      title: t('Jangan matikan atau nyalakan ulang komputer — kecuali layar "perbaikan disk"', 'Do not switch off or restart the computer — except for a "disk repair" screen'),
      detail: t(
        'Tanpa jaringan, komputer yang tetap menyala masih menyimpan petunjuk untuk membuka file. Matikan hanya bila kabel tidak bisa dicabut, atau bila yang tampil adalah layar perbaikan disk palsu.',
        'Cut off from the network, a computer left running still holds clues that can unlock the files. Switch it off only if you cannot pull the cable, or if what you see is a fake disk-repair screen.',
      ),
      branches: [
        {
          when: t('Layar merah/putih berisi tuntutan tebusan (WannaCry: "Ooops, your files have been encrypted!")', 'A red or white screen demanding a ransom (WannaCry: "Ooops, your files have been encrypted!")'),
          do: t('Cabut jaringan, JANGAN matikan komputer. Biarkan menyala.', 'Unplug the network, do NOT switch the computer off. Leave it running.'),
          symptoms: ['ransom-screen', 'strange-file-names', 'files-wont-open'],
        },
        {
          when: t('Layar hitam "perbaikan disk"/CHKDSK yang berjalan sendiri', 'A black "disk repair"/CHKDSK screen running by itself'),
          do: t('Segera MATIKAN komputer (tekan tombol daya lama) — penguncian file sedang berlangsung.', 'Switch the computer OFF at once (hold the power button) — files are being locked as you watch.'),
          symptoms: ['disk-repair-screen'],
        },
      ],
      sources: ['cisa-checklist', 'wanakiwi', 'id-sirtii-petya'],
    },
    {
      id: 'reporter-usb', role: 'reporter', required: false, after: ['reporter-unplug'], action: null, branches: [], evidence: null,
      title: t('Cabut flashdisk dan hard disk eksternal', 'Unplug USB flash drives and external disks'),
      detail: t('Jangan colokkan ke komputer lain.', 'Do not plug them into another computer.'),
      sources: ['cisa-checklist'],
    },
    {
      id: 'reporter-photo', role: 'reporter', required: false, after: ['reporter-hands-off'], action: null, branches: [],
      title: t('Foto layar dengan ponsel', 'Photograph the screen with your phone'),
      detail: t('Foto seluruh layar, dan foto dekat bila ada tulisan kecil.', 'The whole screen, and a close-up of any small text.'),
      evidence: t('Foto layar', 'Photo of the screen'),
      sources: ['cisa-msisac-2020'],
    },
    {
      id: 'reporter-report', role: 'reporter', required: true, after: ['reporter-unplug'], action: null, branches: [], evidence: null,
      title: t('Laporkan lewat tautan/QR Perisai (atau WA ke PIC TI instansi)', 'Report through the Perisai link or QR code (or WhatsApp the agency IT contact)'),
      detail: t('Sebutkan apa yang terlihat, sejak kapan, komputer/ruang mana, dan layanan apa yang berhenti.', 'Say what you see, since when, which computer or room, and which service stopped.'),
      sources: ['csirt-kota-flow'],
    },
    {
      id: 'reporter-manual', role: 'reporter', required: true, after: ['reporter-report'], action: null, branches: [], evidence: null,
      title: t('Beralih ke prosedur manual/kertas yang ditunjuk atasan', 'Switch to the paper/manual procedure your supervisor names'),
      detail: t('Mis. pendaftaran dan rekam medis di kertas. Minta rekan tidak membuka folder bersama.', 'E.g. registration and medical records on paper. Ask colleagues not to open shared folders.'),
      sources: ['cisa-checklist'],
    },
    {
      id: 'reporter-reachable', role: 'reporter', required: false, after: ['reporter-report'], action: null, branches: [], evidence: null,
      title: t('Tetap bisa dihubungi; jangan menghapus apa pun', 'Stay reachable; delete nothing'),
      detail: t('Termasuk file catatan tebusan (mis. @Please_Read_Me@.txt).', 'The ransom note file included (e.g. @Please_Read_Me@.txt).'),
      sources: ['cisa-msisac-2020'],
    },

    // ---- the agency's IT officer (admin TI OPD/RSUD, "agen siber") ----
    {
      id: 'it-acknowledge', role: 'agency-it', required: true, after: [], action: null, branches: [],
      title: t('Tanggapi laporan dan pastikan gejalanya', 'Acknowledge the report and confirm the symptoms'),
      detail: t('Cari catatan tebusan, ekstensi .WNCRY, file @Please_Read_Me@.txt. Target: dalam hitungan menit.', 'Look for the ransom note, the .WNCRY extension, @Please_Read_Me@.txt. Target: within minutes.'),
      evidence: t('Gejala yang dipastikan (nama file, isi layar)', 'Symptoms confirmed (file names, what the screen says)'),
      sources: ['csirt-kota-flow'],
    },
    {
      id: 'it-scope-isolate', role: 'agency-it', required: true, after: ['it-acknowledge'], action: null, branches: [],
      title: t('Tentukan cakupan; bila lebih dari satu komputer, putus segmen di switch', 'Scope it; if more than one computer is hit, take the segment offline at the switch'),
      detail: t('Koordinasi lewat telepon/WA, bukan surel yang mungkin disusupi.', 'Coordinate by phone or WhatsApp, not by e-mail that may be compromised.'),
      evidence: t('Daftar komputer/segmen yang diputus', 'Computers and segments cut off'),
      sources: ['cisa-checklist'],
    },
    {
      id: 'it-protect-backups', role: 'agency-it', required: true, after: ['it-acknowledge'], action: null, branches: [], evidence: null,
      title: t('Putuskan NAS/target cadangan dari jaringan', 'Disconnect backup targets and NAS from the network'),
      detail: t('Cadangan yang terhubung bisa ikut terkunci.', 'Backups that stay connected can be encrypted too.'),
      sources: ['ncsc-infected', 'cisa-checklist'],
    },
    {
      id: 'it-triage-services', role: 'agency-it', required: true, after: ['it-scope-isolate'], action: null, branches: [],
      title: t('Urutkan menurut layanan kritis; catat komputer yang tidak terdampak', 'Triage by critical service; list the computers not affected'),
      detail: t('SIMRS, pendaftaran, laboratorium, kasir lebih dulu.', 'Hospital information system, registration, laboratory, billing first.'),
      evidence: t('Layanan terdampak dan prosedur cadangannya (catat juga di "Dampak layanan")', 'Services hit and their fallback (record them under "Service impact" too)'),
      sources: ['cisa-checklist'],
    },
    {
      id: 'it-evidence', role: 'agency-it', required: true, after: ['it-scope-isolate'], action: null, branches: [],
      title: t('Amankan bukti', 'Preserve evidence'),
      detail: t('Biarkan satu komputer terinfeksi yang sudah terisolasi tetap menyala untuk pengambilan memori; salin catatan tebusan; ekspor log.', 'Keep one isolated infected computer running for a memory capture; copy the ransom note; export the logs.'),
      evidence: t('Daftar bukti dengan hash SHA-256', 'List of evidence with SHA-256 hashes'),
      sources: ['cisa-checklist', 'cisa-msisac-2020'],
    },
    {
      id: 'it-harden', role: 'agency-it', required: true, after: ['it-scope-isolate'], action: null, branches: [],
      title: t('Perkuat komputer yang tidak terdampak', 'Harden the computers not affected'),
      detail: t(
        'Blokir 139/445 (dan 3389) di router/firewall instansi, matikan SMBv1, pasang MS17-010 (unduh di komputer bersih), perbarui antivirus dan pindai penuh.',
        'Block 139/445 (and 3389) at the agency router/firewall, turn SMBv1 off, install MS17-010 (downloaded on a clean machine), update the antivirus and run a full scan.',
      ),
      evidence: t('Apa diblokir di perangkat mana (catat juga di "Penanggulangan")', 'What was blocked on which device (record it under "Countermeasures" too)'),
      sources: ['kominfo-2017', 'msrc-2017'],
    },
    {
      id: 'it-report-csirt', role: 'agency-it', required: true, after: ['it-acknowledge'], action: null, branches: [],
      title: t('Laporkan ke CSIRT kota di Perisai dalam target internal', 'Report to the city CSIRT in Perisai within the internal target'),
      detail: t('Sertakan daftar aset dan topologi singkat.', 'Include the asset list and a short topology.'),
      evidence: t('Daftar aset dan topologi', 'Asset list and topology'),
      sources: ['cisa-checklist', 'perban-bssn-1-2024'],
    },
    {
      id: 'it-eradicate', role: 'agency-it', required: true, after: ['it-evidence', 'it-harden'], action: null, branches: [], evidence: null,
      title: t('Berantas atas instruksi CSIRT: hapus bersih dan pasang ulang; ganti kata sandi', 'Eradicate on the CSIRT\'s instruction: wipe and reinstall; reset passwords'),
      detail: t('Ganti kata sandi setelah lingkungan bersih, jangan sebelumnya.', 'Reset passwords once the environment is clean, not before.'),
      sources: ['ncsc-infected', 'cisa-checklist'],
    },
    {
      id: 'it-restore', role: 'agency-it', required: true, after: ['it-eradicate'], action: null, branches: [], evidence: null,
      title: t('Pulihkan data hanya dari cadangan luring yang terbukti bersih, di jaringan bersih', 'Restore data only from verified-clean offline backups, on a clean network'),
      detail: t('', ''),
      sources: ['ncsc-infected', 'cisa-checklist'],
    },
    {
      id: 'it-rescan-reconnect', role: 'agency-it', required: true, after: ['it-restore'], action: null, branches: [], evidence: null,
      title: t('Minta pemindaian ulang; sambung kembali hanya setelah CSIRT menyetujui', 'Ask for a re-scan; reconnect only after the CSIRT approves'),
      detail: t('Pantau terus setelah tersambung.', 'Keep monitoring once reconnected.'),
      sources: ['cisa-checklist', 'csirt-kota-flow', 'ncsc-infected'],
    },

    // ---- the city CSIRT (Diskominfo / TTIS Pemkot) ----
    {
      id: 'csirt-triage', role: 'city-csirt', required: true, after: [], action: null, branches: [], evidence: null,
      title: t('Pilah: insiden atau salah konfigurasi; klasifikasi, tingkat, risiko; tandai IIV dan data pribadi', 'Triage: incident or misconfiguration; classify, severity, risk level; flag IIV and personal data'),
      detail: t('Tanda IIV memulai jam 1×24 jam (BSSN), tanda data pribadi memulai jam 3×24 jam (PDP).', 'The IIV flag starts the 1×24 h clock (BSSN), the personal-data flag the 3×24 h clock (PDP).'),
      sources: ['csirt-kota-flow', 'perban-bssn-1-2024', 'uu-pdp-46'],
    },
    {
      id: 'csirt-scan', role: 'city-csirt', required: true, after: ['csirt-triage'], action: 'scan-ransomware', branches: [], evidence: null,
      title: t('Pindai jaringan instansi dengan profil ransomware', 'Scan the agency\'s networks with the ransomware profile'),
      detail: t(
        'MS17-010, DoublePulsar, SMBv1, paparan 445/3389. Bila lebih dari satu instansi terkena atau terancam, naikkan menjadi kampanye darurat.',
        'MS17-010, DoublePulsar, SMBv1, 445/3389 exposure. If more than one agency is hit or threatened, escalate to an emergency campaign.',
      ),
      sources: ['cisa-checklist', 'msrc-2017'],
    },
    {
      id: 'csirt-contain', role: 'city-csirt', required: true, after: ['csirt-triage'], action: null, branches: [],
      title: t('Putuskan penahanan tingkat kota', 'Decide city-level containment'),
      detail: t('Putus instansi dari WAN/internet kota, blokir 445 di inti jaringan; catat biaya kelangsungan layanan.', 'Cut the agency off the city WAN/internet, block 445 at the core; record the cost to service continuity.'),
      evidence: t('Keputusan dan perangkat (catat di "Penanggulangan")', 'Decision and device (record under "Countermeasures")'),
      sources: ['cisa-checklist'],
    },
    {
      id: 'csirt-evidence', role: 'city-csirt', required: false, after: ['csirt-triage'], action: null, branches: [],
      title: t('Bukti dan identifikasi varian; tanyakan dekriptor', 'Evidence and variant identification; ask about decryptors'),
      detail: t('Memori dan image disk dari sampel komputer, IOC.', 'Memory and disk image of a sample computer, IOCs.'),
      evidence: t('Varian dan IOC', 'Variant and IOCs'),
      sources: ['cisa-checklist', 'cisa-msisac-2020'],
    },
    {
      id: 'csirt-initial-access', role: 'city-csirt', required: false, after: ['csirt-scan'], action: null, branches: [], evidence: null,
      title: t('Cari akses awal dan persistensi', 'Find the initial access and persistence'),
      detail: t('Implan DoublePulsar, akun baru, RDP terbuka.', 'DoublePulsar implant, new accounts, exposed RDP.'),
      sources: ['cisa-checklist'],
    },
    {
      id: 'csirt-report-bssn', role: 'city-csirt', required: true, after: ['csirt-triage'], action: null, branches: [], evidence: null,
      title: t('Laporkan ke TTIS sektor, tembusan TTIS nasional (≤ 1×24 jam untuk IIV)', 'Report to the sector TTIS, copy to the national TTIS (≤ 1×24 h for IIV)'),
      detail: t(
        'Administrasi pemerintahan: BSSN; kesehatan: Kemenkes. Minta bantuan BSSN dengan surat permohonan bila di luar kemampuan. Beri tahu Wali Kota/Sekda.',
        'Government administration: BSSN; health: the Ministry of Health. Ask BSSN for help by formal request if beyond capacity. Brief the mayor and the regional secretary.',
      ),
      sources: ['perban-bssn-1-2024', 'perpres-82-2022', 'cisa-checklist'],
    },
    {
      id: 'csirt-pdp', role: 'city-csirt', required: false, after: ['csirt-triage'], action: null, branches: [], evidence: null,
      title: t('Bila data pribadi mungkin terpapar: pastikan pengendali data memberi tahu ≤ 3×24 jam', 'If personal data may be exposed: make sure the data controller notifies within 3×24 h'),
      detail: t('Subjek data dan lembaga PDP; isi: data apa, kapan dan bagaimana, penanganan dan pemulihan.', 'Data subjects and the PDP authority; content: which data, when and how, handling and recovery.'),
      sources: ['uu-pdp-46'],
    },
    {
      id: 'csirt-rebuild-order', role: 'city-csirt', required: true, after: ['csirt-contain'], action: null, branches: [], evidence: null,
      title: t('Setujui urutan pembangunan ulang: keselamatan dan kesehatan lebih dulu', 'Approve the rebuild order: health and safety first'),
      detail: t('', ''),
      sources: ['cisa-checklist'],
    },
    {
      id: 'csirt-verify-reconnect', role: 'city-csirt', required: true, after: ['csirt-rebuild-order', 'csirt-scan'], action: null, branches: [], evidence: null,
      title: t('Verifikasi dengan pemindaian ulang, setujui penyambungan kembali, nyatakan insiden selesai', 'Verify with a re-scan, approve reconnection, declare the incident over'),
      detail: t('Menurut kriteria penutupan yang tertulis.', 'Against the written closure criteria.'),
      sources: ['cisa-checklist', 'csirt-kota-flow'],
    },
    {
      id: 'csirt-post-incident', role: 'city-csirt', required: true, after: ['csirt-verify-reconnect'], action: null, branches: [], evidence: null,
      title: t('Pasca-insiden: pelajaran, perbarui playbook dan surat edaran, bagikan IOC, laporan akhir', 'Post-incident: lessons, update the playbook and the circular, share IOCs, final report'),
      detail: t('Kirim laporan akhir format BSSN; perbarui rapor instansi.', 'File the final BSSN-format report; update the agency report card.'),
      sources: ['cisa-checklist', 'perban-bssn-1-2024'],
    },
  ],
};

/** The playbooks every store has: stored as version 1 of their key when the key has no version yet (PlaybookRepo.ensureBuiltIns). */
export const BUILT_IN_PLAYBOOKS: readonly PlaybookDefinition[] = [RANSOMWARE_WANNACRY];
