// The CSV reader/writer of src/io: RFC 4180 records, BOM, ';' separator, formula guard.
import { it, describe } from 'node:test';
import assert from 'node:assert/strict';
import { CsvSyntaxError, csvLine, detectSeparator, parseCsv } from '../../src/io/csv.js';

describe('parseCsv', () => {
  it('reads RFC 4180 records: quotes, doubled quotes, separators and line breaks inside quotes, CRLF', () => {
    const p = parseCsv('a,b,c\r\n"x, y","say ""hi""","two\r\nlines"\r\n1,,3\r\n');
    assert.equal(p.separator, ',');
    assert.deepEqual(p.records.map((r) => r.fields), [['a', 'b', 'c'], ['x, y', 'say "hi"', 'two\r\nlines'], ['1', '', '3']]);
    assert.deepEqual(p.records.map((r) => r.line), [1, 2, 4]); // the row after a two-line field starts on line 4
  });

  it('drops a UTF-8 BOM and detects the semicolon separator of id-ID Excel exports', () => {
    const p = parseCsv('\ufeffcode;name;kind\nDINKES;"Dinas Kesehatan; Kota";opd\n\nRSUD;RSUD Kota Contoh – Pelayanan;hospital');
    assert.equal(p.separator, ';');
    assert.deepEqual(p.records.map((r) => r.fields), [['code', 'name', 'kind'], ['DINKES', 'Dinas Kesehatan; Kota', 'opd'], ['RSUD', 'RSUD Kota Contoh – Pelayanan', 'hospital']]);
    assert.equal(p.records[2]!.line, 4); // the blank line is skipped but still counted
  });

  it('keeps commas in a semicolon file and vice versa', () => {
    assert.equal(detectSeparator('a,b;c,d'), ',');
    assert.equal(detectSeparator('"a;b;c",x'), ',');
    assert.equal(detectSeparator('tags;ip\n"a,b";1'), ';');
  });

  it('refuses unterminated quotes and text after a closing quote, with the line', () => {
    assert.throws(() => parseCsv('a,b\n"open,2\n'), (e: unknown) => e instanceof CsvSyntaxError && e.line === 2);
    assert.throws(() => parseCsv('a,b\n"x"y,2\n'), (e: unknown) => e instanceof CsvSyntaxError && /after a closing quote/.test(e.message));
  });
});

describe('csvLine', () => {
  it('guards formula-looking cells with a quote and quotes per RFC 4180 (OWASP CSV injection)', () => {
    assert.equal(csvLine(['=HYPERLINK("http://x")', '+1', '-2', '@SUM(A1)', 'plain']), `"'=HYPERLINK(""http://x"")",'+1,'-2,'@SUM(A1),plain\r\n`);
  });
  it('quotes the separator when it is ";"', () => {
    assert.equal(csvLine(['a;b', 'c'], ';'), '"a;b";c\r\n');
    assert.deepEqual(parseCsv(csvLine(['a;b', 'c'], ';') + csvLine(['x', 'y'], ';'), ';').records.map((r) => r.fields), [['a;b', 'c'], ['x', 'y']]);
  });
});
