// SMB1 TREE_CONNECT_ANDX (MS-CIFS 2.2.4.55, MS-SMB 2.2.4.7) against real requests and responses.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { DecodeError } from '../bytes/errors.js';
import { loadFixture } from '../fixtures/load.js';
import { NtStatus } from './ntstatus.js';
import { decodeSmb1Message } from './header.js';
import {
  decodeSmb1TreeConnectRequest,
  decodeSmb1TreeConnectResponse,
  encodeSmb1TreeConnectRequest,
  encodeSmb1TreeConnectResponse,
  ipcPath,
} from './tree-connect.js';

describe('SMB1 TREE_CONNECT_ANDX request (MS-CIFS 2.2.4.55.1)', () => {
  test('our IPC$ request is byte-identical to the probe [L:ns1_probe_ms17#10]', () => {
    const fx = loadFixture('ns1-probe-ms17-010-smb1-tree-req-probe.hex');
    assert.deepEqual(encodeSmb1TreeConnectRequest({ path: ipcPath('198.19.77.2'), uid: 4820, mid: 3 }), fx.message);
    const d = decodeSmb1TreeConnectRequest(fx.message);
    assert.deepEqual([d.path, d.service, d.treeFlags, d.password.length], ['\\\\198.19.77.2\\IPC$', '?????', 8, 1]);
  });

  test('decode → re-encode reproduces Unicode (Windows 7, FuzzBunch) and ASCII (WannaCry, Metasploit) requests', () => {
    for (const name of [
      'dpw7-047-smb1-tree-req-unicode-win7.hex',
      'dpw7-084-smb1-tree-req-ipc-fuzzbunch.hex',
      'id2t-013-smb1-tree-req-metasploit.hex',
    ]) {
      const fx = loadFixture(name);
      const d = decodeSmb1TreeConnectRequest(fx.message);
      const again = encodeSmb1TreeConnectRequest({ ...d.header, path: d.path, treeFlags: d.treeFlags, password: d.password, service: d.service });
      // Windows 7 chains nothing but still fills AndXOffset; we always send 0, so compare the rest.
      assert.deepEqual(again.subarray(37), fx.message.subarray(37), name);
      assert.deepEqual(again.subarray(0, 35), fx.message.subarray(0, 35), name);
    }
    assert.equal(decodeSmb1TreeConnectRequest(loadFixture('dpw7-047-smb1-tree-req-unicode-win7.hex').message).path, '\\\\DESKTOP-AFPVEQ2\\IPC$');
  });

  test('WannaCry under-reports ByteCount by 2: tolerated, the service string is cut to four characters [P:wcry#204]', () => {
    const fx = loadFixture('wcry-204-smb1-tree-req-wannacry.hex');
    const msg = decodeSmb1Message(fx.message);
    assert.deepEqual([msg.byteCount, msg.trailing], [28, 2]);
    const d = decodeSmb1TreeConnectRequest(fx.message);
    assert.deepEqual([d.path, d.service], ['\\\\192.168.116.138\\IPC$', '????']);
  });
});

describe('SMB1 TREE_CONNECT_ANDX response', () => {
  test('WordCount 7 (extended) from Samba; TID from the header [L:ns1_probe_ms17#11]', () => {
    const r = decodeSmb1TreeConnectResponse(loadFixture('ns1-probe-ms17-011-smb1-tree-resp-samba-wc7.hex').message);
    assert.ok(r.kind === 'success');
    if (r.kind !== 'success') return;
    assert.deepEqual([r.tid, r.service, r.nativeFileSystem, r.maximalShareAccessRights], [10597, 'IPC', '', 0x1ff]);
  });

  test('WordCount 7 Unicode from Windows (pad before NativeFileSystem) and WordCount 3 from Windows 7', () => {
    const u = decodeSmb1TreeConnectResponse(loadFixture('dpw7-048-smb1-tree-resp-unicode-win10.hex').message);
    assert.ok(u.kind === 'success' && u.service === 'IPC' && u.nativeFileSystem === '' && u.tid === 2048);
    const w3 = decodeSmb1TreeConnectResponse(loadFixture('wcry-205-smb1-tree-resp-win7-wc3.hex').message);
    assert.ok(w3.kind === 'success' && w3.maximalShareAccessRights === undefined && w3.service === 'IPC');
  });

  test('IPC$ refused: ACCESS_DENIED with WordCount 0 [L:ns3restricted_probe_ms17#11]', () => {
    const r = decodeSmb1TreeConnectResponse(loadFixture('ns3restricted-probe-ms17-011-smb1-tree-resp-access-denied-samba.hex').message);
    assert.deepEqual([r.kind, r.header.status], ['error', { kind: 'nt', code: NtStatus.ACCESS_DENIED }]);
  });

  test('response encoder round trips; bad WordCount refused', () => {
    for (const flags2 of [0x4001, 0xc001]) {
      const enc = encodeSmb1TreeConnectResponse({ kind: 'success', flags2, tid: 5, maximalShareAccessRights: 0x1f01ff, guestMaximalShareAccessRights: 0, nativeFileSystem: 'NTFS' });
      const d = decodeSmb1TreeConnectResponse(enc);
      assert.ok(d.kind === 'success' && d.tid === 5 && d.nativeFileSystem === 'NTFS' && d.maximalShareAccessRights === 0x1f01ff);
    }
    const bad = encodeSmb1TreeConnectResponse({ kind: 'success' }).slice();
    bad[32] = 5;
    assert.throws(() => decodeSmb1TreeConnectResponse(bad), DecodeError);
  });
});
