import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { checkParentKind, descendantsOf, validateAgencyInput, wouldCreateCycle } from './agency.js';
import { isPerisaiError } from './errors.js';
import { normalizePhone, validateContactInput } from './contact.js';

describe('agencies', () => {
  it('normalises codes and refuses bad ones', () => {
    assert.equal(validateAgencyInput({ kind: 'opd', code: ' dinkes ', name: 'Dinas Kesehatan' }).code, 'DINKES');
    for (const code of ['', '-X', 'A B', 'x'.repeat(41)]) {
      assert.throws(() => validateAgencyInput({ kind: 'opd', code, name: 'n' }), (e) => isPerisaiError(e, 'E_VALIDATION'), code);
    }
    assert.throws(() => validateAgencyInput({ kind: 'ministry' as never, code: 'X', name: 'n' }), /kind/);
    assert.throws(() => validateAgencyInput({ kind: 'opd', code: 'X', name: '  ' }), /name/);
  });

  it('enforces the government hierarchy: city → OPD → unit', () => {
    checkParentKind('city', null);
    checkParentKind('opd', 'city');
    checkParentKind('hospital', 'opd');
    checkParentKind('kelurahan', 'kecamatan');
    assert.throws(() => checkParentKind('opd', null), /cannot be placed under nothing/);
    assert.throws(() => checkParentKind('city', 'school'), /cannot be placed under a school/);
    assert.throws(() => checkParentKind('hospital', 'school'));
  });

  it('detects cycles when re-parenting', () => {
    const parent: Record<string, string | null> = { city: null, dinkes: 'city', rsud: 'dinkes', pkm: 'dinkes' };
    const up = (id: string) => parent[id];
    assert.equal(wouldCreateCycle('dinkes', 'rsud', up), true);
    assert.equal(wouldCreateCycle('dinkes', 'dinkes', up), true);
    assert.equal(wouldCreateCycle('rsud', 'city', up), false);
    assert.equal(wouldCreateCycle('rsud', null, up), false);
  });

  it('lists descendants breadth-first', () => {
    const list = [
      { id: 'city', parentId: null },
      { id: 'dinkes', parentId: 'city' },
      { id: 'disdik', parentId: 'city' },
      { id: 'rsud', parentId: 'dinkes' },
      { id: 'smp3', parentId: 'disdik' },
      { id: 'poli', parentId: 'rsud' },
    ];
    assert.deepEqual(descendantsOf(list, 'city'), ['dinkes', 'disdik', 'rsud', 'smp3', 'poli']);
    assert.deepEqual(descendantsOf(list, 'dinkes'), ['rsud', 'poli']);
    assert.deepEqual(descendantsOf(list, 'poli'), []);
  });
});

describe('contacts', () => {
  it('normalises Indonesian phone numbers to E.164', () => {
    assert.equal(normalizePhone('0812-3456-7890'), '+6281234567890');
    assert.equal(normalizePhone('62 812 3456 7890'), '+6281234567890');
    assert.equal(normalizePhone('+62 (21) 3456789'), '+62213456789');
    assert.equal(normalizePhone('0062 812 3456 7890'), '+6281234567890');
    assert.equal(normalizePhone('12'), undefined);
    assert.equal(normalizePhone('0812-abc'), undefined);
  });

  it('needs a name, a known role and at least one way to reach the person', () => {
    const c = validateContactInput({ name: ' Budi ', role: 'pic', whatsapp: '081234567890' });
    assert.equal(c.name, 'Budi');
    assert.equal(c.whatsapp, '+6281234567890');
    assert.equal(c.email, null);
    assert.throws(() => validateContactInput({ name: 'Budi', role: 'pic' }), /at least one/);
    assert.throws(() => validateContactInput({ name: 'Budi', role: 'pic', email: 'budi at kota.go.id' }), /email/);
    assert.throws(() => validateContactInput({ name: 'Budi', role: 'boss' as never, email: 'b@kota.go.id' }), /role/);
  });
});
