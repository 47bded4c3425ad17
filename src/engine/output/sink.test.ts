import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { HostResult, PortResult } from '../types.js';
import { OUTPUT_FORMATS, createSink } from './index.js';
import { compressPorts, ctimeUtc, hiddenGroups, serviceInfo, shellJoin } from './sink.js';
import { collector, drive } from './fixtures.js';

const host = (closed: number, filtered: number): HostResult => ({ type: 'host', ip: '10.0.0.1', state: 'up', reason: 'syn-ack', open: 1, closed, filtered });
const port = (n: number, state: PortResult['state'], reason: PortResult['reason'], extra: Partial<PortResult> = {}): PortResult => ({
  type: 'port', ip: '10.0.0.1', port: n, proto: 'tcp', state, reason, ...extra,
});

describe('sink helpers', () => {
  it('compressPorts sorts, de-duplicates and builds ranges', () => {
    assert.equal(compressPorts([]), '');
    assert.equal(compressPorts([3389, 3, 1, 2, 2, 445, 139, 140]), '1-3,139-140,445,3389');
    assert.equal(compressPorts(Array.from({ length: 65535 }, (_, i) => 65535 - i)), '1-65535');
    assert.equal(compressPorts([1.5, NaN, 7]), '7');
  });

  it('hiddenGroups counts from the host and reasons from the ports, most frequent first', () => {
    const ports = [port(22, 'open', 'syn-ack'), port(23, 'filtered', 'admin-prohibited'), port(25, 'closed', 'conn-refused')];
    assert.deepEqual(hiddenGroups(host(10, 5), ports, false), [
      { state: 'closed', count: 10, reasons: [{ reason: 'conn-refused', count: 10 }] },
      { state: 'filtered', count: 5, reasons: [{ reason: 'no-response', count: 4 }, { reason: 'admin-prohibited', count: 1 }] },
    ]);
    assert.deepEqual(hiddenGroups(host(1, 1), ports, true), []);
    assert.deepEqual(hiddenGroups(host(0, 0), [], false), []);
  });

  it('serviceInfo: runner name wins, banner gives product/version, table otherwise', () => {
    assert.deepEqual(serviceInfo(port(22, 'open', 'syn-ack', { service: 'ssh', banner: 'SSH-2.0-OpenSSH_9.2p1' })),
      { name: 'ssh', method: 'probed', conf: 10, product: 'OpenSSH', version: '9.2p1', extrainfo: 'protocol 2.0' });
    assert.deepEqual(serviceInfo(port(445, 'open', 'syn-ack', { service: 'microsoft-ds' })), { name: 'microsoft-ds', method: 'table', conf: 3 });
    assert.deepEqual(serviceInfo(port(8443, 'open', 'syn-ack', { service: 'smb' })), { name: 'smb', method: 'probed', conf: 10 });
    assert.deepEqual(serviceInfo(port(25, 'closed', 'conn-refused')), { name: 'smtp', method: 'table', conf: 3 });
    assert.deepEqual(serviceInfo(port(60000, 'open', 'syn-ack')), { name: 'unknown', method: 'table', conf: 3 });
  });

  it('ctimeUtc and shellJoin', () => {
    assert.equal(ctimeUtc(new Date(Date.UTC(2017, 4, 5, 1, 2, 3))), 'Fri May  5 01:02:03 2017');
    assert.equal(shellJoin(['perisai', '-p', '1-1024', 'a b', "it's", '']), "perisai -p 1-1024 'a b' 'it'\\''s' ''");
  });

  it('createSink builds every format, and each copes with an empty scan', () => {
    for (const f of OUTPUT_FORMATS) {
      const c = collector();
      drive(createSink(f, c.out, { allStates: false }), []);
      assert.ok(c.text().length > 0, f);
    }
    assert.throws(() => createSink('yaml' as never, collector().out, { allStates: false }), /unknown output format/);
  });
});
