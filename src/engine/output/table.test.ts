/* eslint-disable no-control-regex -- these tests look for control characters */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { HostResult, PortResult } from '../types.js';
import { terminalSafe } from './table.js';
import { HOSTS, SUMMARY, render } from './fixtures.js';

const GOLDEN = String.raw`Starting Perisai 0.1.0 at 2026-11-25 07:28:34 UTC (connect scan, 1025 ports)

Perisai scan report for tn-linux.testnet.internal (198.18.0.20)
Host is up, received syn-ack (0.00020s latency).
Not shown: 1023 closed tcp ports (conn-refused)
PORT   STATE SERVICE REASON  VERSION
22/tcp open  ssh     syn-ack OpenSSH 9.2p1 (Debian-2+deb12u3; protocol 2.0)
|_banner: SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3
80/tcp open  http    syn-ack nginx 1.22.1
|_banner: HTTP/1.1 200 OK\x0D\x0AServer: nginx/1.22.1\x0D\x0AContent-Type: text/html

Perisai scan report for 198.18.0.30
Host is up, received conn-refused (0.03050s latency).
All 1025 scanned ports on 198.18.0.30 are in ignored states.
Not shown: 2 closed tcp ports (conn-refused), 1023 filtered tcp ports (1022 no-response, 1 admin-prohibited)

Perisai scan report for 2001:db8::10
Host is up, received syn-ack.
Not shown: 1024 closed tcp ports (conn-refused)
PORT    STATE SERVICE      REASON  VERSION
445/tcp open  microsoft-ds syn-ack SMB 1
|_banner: \x00\x00\x00U\xFFSMBr

Perisai done: 256 IP addresses (4 hosts up) scanned in 12.35 seconds
Ports: 4 open, 2049 closed, 2047 filtered; 264000 probes sent (1600 retries)
`;

const GOLDEN_ALL = String.raw`Starting Perisai 0.1.0 at 2026-11-25 07:28:34 UTC (connect scan, 1025 ports)

Perisai scan report for tn-linux.testnet.internal (198.18.0.20)
Host is up, received syn-ack (0.00020s latency).
Not shown: 1022 closed tcp ports (conn-refused)
PORT   STATE  SERVICE REASON       VERSION
22/tcp open   ssh     syn-ack      OpenSSH 9.2p1 (Debian-2+deb12u3; protocol 2.0)
|_banner: SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3
25/tcp closed smtp    conn-refused
80/tcp open   http    syn-ack      nginx 1.22.1
|_banner: HTTP/1.1 200 OK\x0D\x0AServer: nginx/1.22.1\x0D\x0AContent-Type: text/html

Perisai scan report for 198.18.0.30
Host is up, received conn-refused (0.03050s latency).
Not shown: 1020 filtered tcp ports (no-response)
PORT     STATE    SERVICE       REASON
21/tcp   filtered ftp           admin-prohibited
25/tcp   closed   smtp          conn-refused
80/tcp   filtered http          no-response
110/tcp  closed   pop3          conn-refused
3389/tcp filtered ms-wbt-server no-response

Perisai scan report for 2001:db8::10
Host is up, received syn-ack.
Not shown: 1024 closed tcp ports (conn-refused)
PORT    STATE SERVICE      REASON  VERSION
445/tcp open  microsoft-ds syn-ack SMB 1
|_banner: \x00\x00\x00U\xFFSMBr

Perisai done: 256 IP addresses (4 hosts up) scanned in 12.35 seconds
Ports: 4 open, 2049 closed, 2047 filtered; 264000 probes sent (1600 retries)
`;

describe('table', () => {
  it('matches the golden output', () => {
    assert.equal(render('table', {}, HOSTS.slice(0, 3)), GOLDEN);
  });

  it('matches the golden output with allStates', () => {
    assert.equal(render('table', { allStates: true }, HOSTS.slice(0, 3)), GOLDEN_ALL);
  });

  it('uses no escape sequences unless asked, and colours states when asked', () => {
    assert.ok(!render('table').includes('\x1b'));
    const coloured = render('table', { allStates: true, color: true }, HOSTS.slice(0, 1));
    assert.ok(coloured.includes('22/tcp \x1b[32mopen  \x1b[0m ssh'));
    assert.ok(coloured.includes('25/tcp \x1b[31mclosed\x1b[0m smtp'));
    // stripping the colour gives the plain layout back
    assert.equal(coloured.replace(/\x1b\[\d+m/g, ''), render('table', { allStates: true }, HOSTS.slice(0, 1)));
  });

  it('never passes terminal control characters from the network through', () => {
    const text = render('table');
    const report = text.slice(text.indexOf('198.18.1.7') - 40);
    assert.ok(report.includes('evil"<host>&\'\\x0A (198.18.1.7)'));
    assert.ok(report.includes('|_banner: =cmd|\' /C calc\'!A0\\x0D\\x0A220 "hi" <b>&amp; \\x1B[31m\\x00\\x07'));
    assert.ok(report.includes('\\u2028 \\u202E end\ufffd'));
    assert.ok(!/[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e]/.test(text), 'only LF as control character');
    assert.equal(terminalSafe('a\x1b]0;pwned\x07b'), 'a\\x1B]0;pwned\\x07b');
    assert.equal(terminalSafe('\u{1F600} ok'), '\u{1F600} ok');
  });

  it('cuts long banners and reports an interrupted scan', () => {
    const h: HostResult = { type: 'host', ip: '10.0.0.1', state: 'up', reason: 'syn-ack', open: 1, closed: 0, filtered: 0 };
    const p: PortResult = { type: 'port', ip: '10.0.0.1', port: 80, proto: 'tcp', state: 'open', reason: 'syn-ack', banner: 'x'.repeat(500) };
    const text = render('table', {}, [[h, [p]]], undefined, { ...SUMMARY, interrupted: true, refusedByScope: 3 });
    assert.ok(text.includes(`|_banner: ${'x'.repeat(97)}...\n`));
    assert.ok(text.includes('; 3 refused by scope'));
    assert.ok(text.includes('WARNING: scan interrupted'));
  });

  it('handles a host with every port open', () => {
    const ports: PortResult[] = Array.from({ length: 65535 }, (_, i) => ({ type: 'port', ip: 'fe80::1', port: i + 1, proto: 'tcp', state: 'open', reason: 'syn-ack' }));
    const h: HostResult = { type: 'host', ip: 'fe80::1', state: 'up', reason: 'syn-ack', open: 65535, closed: 0, filtered: 0 };
    const text = render('table', {}, [[h, ports]]);
    assert.equal(text.split('\n').filter((l) => /^\d+\/tcp /.test(l)).length, 65535);
    assert.match(text, /\n65535\/tcp open +unknown +syn-ack\n/);
  });
});
