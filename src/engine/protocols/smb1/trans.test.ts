// SMB1 TRANSACTION PeekNamedPipe (MS17-010 probe, docs/smb-detection.md §5) and TRANSACTION2 DoublePulsar ping
// (docs/smb-detection.md §6): byte-identical requests, replies from clean/infected/Samba hosts, key derivation
// (also checked against the implant's own upload traffic in its shipped capture, fixtures/vectors).

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { DecodeError } from '../bytes/errors.js';
import { toHex } from '../bytes/hex.js';
import { loadFixture } from '../fixtures/load.js';
import { captureSegment } from '../fixtures/vectors.js';
import { NtStatus } from './ntstatus.js';
import {
  decodeSmb1TransactionRequest,
  decodeSmb1TransactionResponse,
  encodePeekNamedPipeRequest,
  encodeSmb1TransactionRequest,
  encodeSmb1TransactionResponse,
  TransSubcommand,
} from './trans.js';
import {
  decodeDoublePulsarReply,
  decodeSmb1Transaction2Request,
  decodeSmb1Transaction2Response,
  DoublePulsarOpcode,
  doublePulsarOpcode,
  doublePulsarXorKey,
  encodeDoublePulsarPingRequest,
  encodeSmb1Transaction2Request,
  encodeSmb1Transaction2Response,
  Trans2Subcommand,
} from './trans2.js';

describe('TRANSACTION PeekNamedPipe FID 0 (MS17-010 probe, docs/smb-detection.md §5.2 step 4)', () => {
  test('byte-identical to our probe and to the docs hex [L:ns1_probe_ms17#12]', () => {
    const fx = loadFixture('ns1-probe-ms17-012-smb1-trans-req-peek-probe.hex');
    assert.deepEqual(encodePeekNamedPipeRequest({ tid: 10597, uid: 4820, mid: 4 }), fx.message);
    assert.equal(fx.message.length, 74);
    assert.ok(toHex(fx.message).endsWith('1000000000ffffffff0000000000000000000000004a0000004a0002002300000007005c504950455c00'));
  });

  test('same bytes as WannaCry and Metasploit apart from header ids [P:wcry#206, id2t#15]', () => {
    for (const name of ['wcry-206-smb1-trans-req-peek-wannacry.hex', 'id2t-015-smb1-trans-req-peek-metasploit.hex']) {
      const fx = loadFixture(name);
      const d = decodeSmb1TransactionRequest(fx.message);
      assert.deepEqual(encodePeekNamedPipeRequest({ ...d.header, fid: d.setup[1] }), fx.message, name);
      assert.deepEqual(d.setup, [TransSubcommand.PEEK_NMPIPE, 0]);
    }
  });

  test('nmap variant: stray byte after ByteCount is tolerated [L:ns1_smb-vuln-ms17-010#19]', () => {
    const d = decodeSmb1TransactionRequest(loadFixture('ns1-smb-vuln-ms17-010-019-smb1-trans-req-peek-nmap.hex').message);
    assert.deepEqual([d.trailing, d.name, d.byteCount], [1, '\\PIPE\\', 7]);
  });

  test('responses: vulnerable, patched (Samba), DOS form', () => {
    const vuln = decodeSmb1TransactionResponse(loadFixture('wcry-207-smb1-trans-resp-vulnerable-win7.hex').message);
    assert.deepEqual([vuln.header.status, vuln.body], [{ kind: 'nt', code: NtStatus.INSUFF_SERVER_RESOURCES }, undefined]);
    const patched = decodeSmb1TransactionResponse(loadFixture('ns1-probe-ms17-013-smb1-trans-resp-invalid-handle-samba.hex').message);
    assert.deepEqual(patched.header.status, { kind: 'nt', code: NtStatus.INVALID_HANDLE });
    assert.throws(() => decodeSmb1TransactionResponse(loadFixture('ns1-probe-ms17-015-smb1-dp-resp-access-denied-samba.hex').message), (e: unknown) => e instanceof DecodeError && e.field === 'SMB1.Command');
  });

  test('generic request/response round trips with parameters, data and Unicode names', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 40 }), fc.uint8Array({ maxLength: 40 }), fc.boolean(), (params, data, unicode) => {
        const enc = encodeSmb1TransactionRequest({ flags2: unicode ? 0xc001 : 0x4001, setup: [0x26, 0x4000], name: '\\PIPE\\', parameters: params, data });
        const d = decodeSmb1TransactionRequest(enc);
        assert.deepEqual([toHex(d.parameters), toHex(d.data), d.name], [toHex(params), toHex(data), '\\PIPE\\']);
        if (params.length > 0) assert.equal(d.parameterOffset % 4, 0);
        const resp = decodeSmb1TransactionResponse(encodeSmb1TransactionResponse({ body: { parameters: params, data } }));
        assert.deepEqual([toHex(resp.body?.parameters ?? new Uint8Array(0)), toHex(resp.body?.data ?? new Uint8Array(0))], [toHex(params), toHex(data)]);
      }),
    );
  });

  test('offsets outside the message are refused', () => {
    const enc = encodeSmb1TransactionResponse({ body: { parameters: Uint8Array.of(1, 2) } }).slice();
    enc[41] = 0xf0; // ParameterOffset
    assert.throws(() => decodeSmb1TransactionResponse(enc), (e: unknown) => e instanceof DecodeError && e.field === 'SMB1.Trans.Parameters');
    const req = encodePeekNamedPipeRequest({ tid: 1, uid: 1 }).slice();
    req[59] = 5; // SetupCount 5 with WordCount 16
    assert.throws(() => decodeSmb1TransactionRequest(req), (e: unknown) => e instanceof DecodeError && e.field === 'SMB1.Trans.SetupCount');
  });
});

describe('TRANSACTION2 SESSION_SETUP: DoublePulsar ping (docs/smb-detection.md §6)', () => {
  test('byte-identical to our probe and to the docs hex [L:ns1_probe_ms17#14]', () => {
    const fx = loadFixture('ns1-probe-ms17-014-smb1-dp-req-probe.hex');
    const ping = encodeDoublePulsarPingRequest({ tid: 10597, uid: 4820 });
    assert.deepEqual(ping, fx.message);
    assert.equal(ping.length, 78);
    assert.ok(toHex(ping).endsWith('41000f0c0000000100000000000000a6d9a40000000c00420000004e0001000e000d0000000000000000000000000000'));
  });

  test('structurally identical to FuzzBunch and WannaCry pings (only Timeout and ids differ)', () => {
    for (const name of ['dpw7-086-smb1-dp-req-fuzzbunch.hex', 'erdp-239-smb1-dp-req-fuzzbunch.hex', 'ebw7-565-smb1-dp-req-mid66.hex', 'wcry-227-smb1-dp-req-wannacry.hex']) {
      const fx = loadFixture(name);
      const d = decodeSmb1Transaction2Request(fx.message);
      assert.equal(d.doublePulsarOpcode, DoublePulsarOpcode.PING, name);
      assert.equal(d.subcommand, Trans2Subcommand.SESSION_SETUP);
      const again = encodeSmb1Transaction2Request({
        ...d.header,
        setup: d.setup,
        parameters: d.parameters,
        totalParameterCount: d.totalParameterCount,
        totalDataCount: d.totalDataCount,
        maxParameterCount: d.maxParameterCount,
        maxDataCount: d.maxDataCount,
        timeout: d.timeout,
        align: 2,
      });
      assert.deepEqual(again, fx.message, name);
    }
  });

  test('nmap (ParameterOffset 68) and Metasploit (ByteCount 0 + 14 stray bytes) pings decode', () => {
    const nmap = decodeSmb1Transaction2Request(loadFixture('ns1-smb-double-pulsar-backdoor-019-smb1-dp-req-nmap.hex').message);
    assert.deepEqual([nmap.parameterOffset, nmap.byteCount, nmap.parameters.length, nmap.maxDataCount], [68, 15, 12, 0x3984]);
    const msf = decodeSmb1Transaction2Request(loadFixture('id2t-018-smb1-dp-req-metasploit.hex').message);
    assert.deepEqual([msf.byteCount, msf.trailing, msf.parameters.length, msf.doublePulsarOpcode], [0, 14, 12, 0x23]);
  });

  test('opcode = sum of the Timeout bytes (docs/smb-detection.md §6.4)', () => {
    for (const t of [0x00a4d9a6, 0x00ee3401, 0x00edbf77, 0x0086a6f7, 0x00b65419, 0x0008d546]) assert.equal(doublePulsarOpcode(t), 0x23, t.toString(16));
    assert.equal(doublePulsarOpcode(0x00b654be), DoublePulsarOpcode.EXEC);
  });

  test('XOR key from sig1 (docs/smb-detection.md §6.3 vectors, and the Countercept 64-bit bug case)', () => {
    assert.equal(doublePulsarXorKey(0x3223d36b), 0x0f9485e4);
    assert.equal(doublePulsarXorKey(0x1bc1fcf2), 0xc57f38ff);
    assert.equal(doublePulsarXorKey(0xa45d4b79), 0x31f1cb56);
    assert.equal(doublePulsarXorKey(0xa5adb707), 0x4cecc3ab);
    assert.equal(doublePulsarXorKey(0x3222d36b), 0x0f9684e4);
    fc.assert(fc.property(fc.integer({ min: 0, max: 0xffffffff }), (s) => {
      const k = doublePulsarXorKey(s);
      assert.ok(Number.isInteger(k) && k >= 0 && k <= 0xffffffff);
    }));
  });

  test('reply: infected x86 (MID 65→81) [P:dpw7#87]', () => {
    const r = decodeDoublePulsarReply(loadFixture('dpw7-087-smb1-dp-resp-infected-x86.hex').message, 65);
    assert.deepEqual([r.mid, r.midDelta, r.status], [81, 0x10, { kind: 'nt', code: NtStatus.NOT_IMPLEMENTED }]);
    assert.deepEqual(r.implant, { arch: 'x86', xorKey: 0x31f1cb56 });
  });

  test('reply: infected x64 (2008 R2) [P:erdp#240] and after exploitation with MID 66→82 [P:ebw7#566]', () => {
    assert.deepEqual(decodeDoublePulsarReply(loadFixture('erdp-240-smb1-dp-resp-infected-x64.hex').message, 65).implant, { arch: 'x64', xorKey: 0x0f9485e4 });
    const r = decodeDoublePulsarReply(loadFixture('ebw7-566-smb1-dp-resp-infected-x86-mid82.hex').message, 66);
    assert.deepEqual(r.implant, { arch: 'x86', xorKey: 0x4cecc3ab });
    // Against a constant 65 the +0x10 rule does not fire: the check must use the request MID.
    assert.equal(decodeDoublePulsarReply(loadFixture('ebw7-566-smb1-dp-resp-infected-x86-mid82.hex').message, 65).implant, undefined);
  });

  test('reply: clean Windows and Samba (signed: non-zero signature, but no implant) ', () => {
    for (const name of ['ebw7-013-smb1-dp-resp-clean-win7.hex', 'wcry-228-smb1-dp-resp-clean-win7.hex', 'id2t-019-smb1-dp-resp-clean-win7.hex']) {
      const r = decodeDoublePulsarReply(loadFixture(name).message, 65);
      assert.deepEqual([r.midDelta, r.implant, r.sig1, r.sig2], [0, undefined, 0, 0], name);
    }
    const samba = decodeDoublePulsarReply(loadFixture('ns1-smb-double-pulsar-backdoor-020-smb1-dp-resp-signed-samba.hex').message, 65);
    assert.deepEqual([samba.midDelta, samba.implant, samba.status], [0, undefined, { kind: 'nt', code: NtStatus.ACCESS_DENIED }]);
    assert.notEqual(samba.sig1, 0);
  });

  test('MID arithmetic wraps at 16 bits; only TRANSACTION2 replies are accepted', () => {
    const reply = encodeSmb1Transaction2Response({ mid: 0x0005, status: { kind: 'nt', code: NtStatus.NOT_IMPLEMENTED } });
    assert.equal(decodeDoublePulsarReply(reply, 0xfff5).midDelta, 0x10);
    assert.throws(() => decodeDoublePulsarReply(loadFixture('wcry-207-smb1-trans-resp-vulnerable-win7.hex').message, 65), DecodeError);
    assert.throws(() => decodeDoublePulsarReply(reply, 70000), RangeError);
    assert.equal(decodeSmb1Transaction2Response(reply).body, undefined);
  });
});

describe("DoublePulsar key checked against the implant's upload traffic (fixtures/vectors)", () => {
  // erdp#241/#247 are exec uploads (implant payload): not cut out as fixtures, read from the capture.
  const file = 'public/eternalsafety_eternalromance-doublepulsar-meterpreter.pcap';
  const key = decodeDoublePulsarReply(loadFixture('erdp-240-smb1-dp-resp-infected-x64.hex').message, 65).implant?.xorKey ?? 0;
  const decrypt = (frame: number): number[] => {
    const d = decodeSmb1Transaction2Request(captureSegment(file, frame).payload.subarray(4));
    assert.equal(d.doublePulsarOpcode, DoublePulsarOpcode.EXEC);
    const v = new DataView(d.parameters.buffer, d.parameters.byteOffset, 12);
    return [0, 4, 8].map((o) => (v.getUint32(o, true) ^ key) >>> 0);
  };
  test('erdp#241: total 0x2C00, chunk 0x1000, offset 0', () => assert.deepEqual(decrypt(241), [0x2c00, 0x1000, 0]));
  test('erdp#247: total 0x2C00, chunk 0xC00, offset 0x2000', () => assert.deepEqual(decrypt(247), [0x2c00, 0xc00, 0x2000]));
});
