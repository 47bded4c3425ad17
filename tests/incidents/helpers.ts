// Shared by the incident API tests: pictures built byte by byte (a JPEG with Exif and a comment, a PNG
// with a text chunk), solving the form's proof of work like the browser does, and submitting a report.

import { deflateSync } from 'node:zlib';
import type { FastifyInstance } from 'fastify';
import { solveChallenge } from 'altcha-lib';
import type { Challenge } from 'altcha-lib';
import { deriveKey } from 'altcha-lib/algorithms/sha';
import { crc32 } from '../../src/api/photos.js';

/** Text that must never survive into a stored photo (it stands for a GPS position and a camera serial). */
export const SECRET_EXIF = 'GPS -6.914744,107.609810 KAMERA-SN-4471';

function tiffWithOrientation(orientation: number, extra: string): Buffer {
  // Little-endian TIFF: IFD0 with Orientation (SHORT) and an ImageDescription (ASCII) holding `extra`.
  const text = Buffer.from(`${extra}\0`, 'latin1');
  const ifd = 8;
  const entries = 2;
  const dataAt = ifd + 2 + entries * 12 + 4;
  const t = Buffer.alloc(dataAt + text.length);
  t.write('II', 0, 'latin1');
  t.writeUInt16LE(42, 2);
  t.writeUInt32LE(ifd, 4);
  t.writeUInt16LE(entries, ifd);
  t.writeUInt16LE(0x010e, ifd + 2);
  t.writeUInt16LE(2, ifd + 4);
  t.writeUInt32LE(text.length, ifd + 6);
  t.writeUInt32LE(dataAt, ifd + 10);
  t.writeUInt16LE(0x0112, ifd + 14);
  t.writeUInt16LE(3, ifd + 16);
  t.writeUInt32LE(1, ifd + 18);
  t.writeUInt16LE(orientation, ifd + 22);
  t.writeUInt32LE(0, ifd + 26);
  text.copy(t, dataAt);
  return t;
}

function segment(marker: number, body: Buffer): Buffer {
  const h = Buffer.from([0xff, marker, 0, 0]);
  h.writeUInt16BE(body.length + 2, 2);
  return Buffer.concat([h, body]);
}

/**
 * A valid 8×8 grey baseline JPEG (ITU-T T.81): one component, a quantisation table, a DC and an AC Huffman
 * table with one code each (category 0 / end of block), and one block whose bits are "00" padded with 1s.
 * With `metadata`: an APP1 Exif segment (orientation 6 and SECRET_EXIF), an APP1 XMP segment and a comment.
 */
export function tinyJpeg(metadata = true): Buffer {
  const dqt = segment(0xdb, Buffer.concat([Buffer.from([0x00]), Buffer.alloc(64, 1)]));
  const sof = segment(0xc0, Buffer.from([8, 0, 8, 0, 8, 1, 1, 0x11, 0]));
  const huff = (cls: number, symbol: number) => segment(0xc4, Buffer.concat([Buffer.from([cls]), Buffer.from([1, ...new Array(15).fill(0)]), Buffer.from([symbol])]));
  const sos = segment(0xda, Buffer.from([1, 1, 0x00, 0, 63, 0]));
  const meta = metadata
    ? [
      segment(0xe1, Buffer.concat([Buffer.from('Exif\0\0', 'latin1'), tiffWithOrientation(6, SECRET_EXIF)])),
      segment(0xe1, Buffer.from(`http://ns.adobe.com/xap/1.0/\0<x:xmpmeta>${SECRET_EXIF}</x:xmpmeta>`, 'latin1')),
      segment(0xfe, Buffer.from(`dibuat oleh ${SECRET_EXIF}`, 'latin1')),
    ]
    : [];
  const app0 = segment(0xe0, Buffer.from('JFIF\0\x01\x01\0\0\x01\0\x01\0\0', 'latin1'));
  return Buffer.concat([Buffer.from([0xff, 0xd8]), app0, ...meta, dqt, sof, huff(0x00, 0x00), huff(0x10, 0x00), sos, Buffer.from([0x3f]), Buffer.from([0xff, 0xd9])]);
}

function chunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const td = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(td));
  return Buffer.concat([len, td, crc]);
}

/** A 1×1 RGBA PNG with a tEXt chunk carrying SECRET_EXIF. */
export function tinyPng(): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(1, 0);
  ihdr.writeUInt32BE(1, 4);
  ihdr[8] = 8;
  ihdr[9] = 6;
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr), chunk('tEXt', Buffer.from(`Author\0${SECRET_EXIF}`, 'latin1')), chunk('IDAT', deflateSync(Buffer.from([0, 200, 30, 30, 255]))), chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** What a Windows program renamed to .jpg starts with: "MZ" and a DOS stub. */
export function fakeExe(): Buffer {
  const b = Buffer.alloc(4096);
  b.write('MZ', 0, 'latin1');
  b.write('This program cannot be run in DOS mode.', 78, 'latin1');
  return b;
}

/** Fetch a challenge and solve it as the browser would; returns the form's `altcha` value. */
export async function solvePow(app: FastifyInstance): Promise<{ challenge: Challenge; solution: unknown }> {
  const r = await app.inject({ method: 'GET', url: '/api/v1/public/challenge' });
  if (r.statusCode !== 200) throw new Error(`challenge: ${r.statusCode} ${r.body}`);
  const challenge = r.json() as Challenge;
  const solution = await solveChallenge({ challenge, deriveKey });
  if (solution === null) throw new Error('challenge not solved');
  return { challenge, solution };
}

export const FORM = {
  unitCode: 'RSUD', symptoms: ['ransom-screen', 'strange-file-names'], since: null, computers: '2-5', services: ['registration', 'medical-records'], manualFallback: 'yes',
  actionsTaken: ['unplugged-cable', 'photographed'], location: 'PC loket 2, ruang pendaftaran', description: 'Layar merah minta tebusan bitcoin', reporterName: 'Sri Wahyuni',
  reporterWhatsapp: '0812-3456-7890', reporterRole: 'staff',
};

export interface Submitted {
  readonly reference: string;
  readonly statusToken: string;
  readonly statusPath: string;
  readonly card: { steps: { id: string; branches: { applies?: boolean; do: { id: string; en: string } }[] }[] };
}

export async function submitReport(app: FastifyInstance, over: Record<string, unknown> = {}, opts: { remoteAddress?: string; pow?: boolean } = {}) {
  const altcha = opts.pow === false ? undefined : await solvePow(app);
  return app.inject({
    method: 'POST', url: '/api/v1/public/reports', ...(opts.remoteAddress !== undefined ? { remoteAddress: opts.remoteAddress } : {}),
    payload: { ...FORM, ...(altcha !== undefined ? { altcha } : {}), ...over },
  });
}

export function status(app: FastifyInstance, token: string) {
  return app.inject({ method: 'GET', url: '/api/v1/public/report-status', headers: { 'x-report-token': token } });
}

export function uploadPhoto(app: FastifyInstance, token: string, bytes: Buffer, contentType = 'image/jpeg', name = 'layar.jpg') {
  return app.inject({ method: 'POST', url: `/api/v1/public/report-status/photos?name=${encodeURIComponent(name)}`, headers: { 'x-report-token': token, 'content-type': contentType }, payload: bytes });
}

/** Easy proof of work for the tests (the shipped default costs 20k–60k hashes). */
export const TEST_POW = { minCounter: 50, maxCounter: 200, ttlMs: 20 * 60_000 };
