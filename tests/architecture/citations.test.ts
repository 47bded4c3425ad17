// Comments cite what a reader of the repository has: a file of the repository (docs/<name>.md, a path such
// as src/engine/net/connector.ts), a section that file really has, or a public specification — never a
// document that lives elsewhere or a number of the project's tracker (README.md, "Layout"; the comment
// should carry the reason itself). This test reads every comment of src/, tests/, bench/ and
// web/src (TypeScript comments as the TypeScript parser finds them, so strings and regular expressions are
// not mistaken for comments; `#` comments and docstrings of the Python and shell files there) and fails on:
//   - a cited file that does not exist (docs/<name>.md, <room>/<path>.<ext>, or a bare <name>.md that is
//     neither beside the file, at the root nor in docs/);
//   - a section number (§N.M) of a cited Markdown document that has numbered headings but not that one;
//   - a tracker reference (the word "issue" followed by a number).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

// The project root holds package.json; this file runs from tests/architecture (tsx) or dist/tests/architecture.
let root = dirname(fileURLToPath(import.meta.url));
while (!existsSync(join(root, 'package.json')) && dirname(root) !== root) root = dirname(root);

const SCANNED = ['src', 'tests', 'bench', 'web/src'];
const SKIP_DIRS = new Set(['node_modules', 'dist', 'results', '__pycache__']);

function* files(dir: string): Generator<string> {
  if (!existsSync(dir)) return;
  for (const name of readdirSync(dir)) {
    if (SKIP_DIRS.has(name)) continue;
    const p = join(dir, name);
    if (statSync(p).isDirectory()) yield* files(p);
    else if (/\.(?:tsx?|mts|py|sh)$/.test(name) && !name.endsWith('.d.ts')) yield p;
  }
}

interface Comment { readonly line: number; readonly text: string }

/** Every comment of a TypeScript file, found by walking the syntax tree's leading and trailing trivia. */
function tsComments(path: string, text: string): Comment[] {
  const sf = ts.createSourceFile(path, text, ts.ScriptTarget.Latest, false, path.endsWith('x') ? ts.ScriptKind.TSX : ts.ScriptKind.TS);
  const seen = new Set<number>();
  const out: Comment[] = [];
  const take = (ranges: readonly ts.CommentRange[] | undefined): void => {
    for (const r of ranges ?? []) {
      if (seen.has(r.pos)) continue;
      seen.add(r.pos);
      out.push({ line: sf.getLineAndCharacterOfPosition(r.pos).line + 1, text: text.slice(r.pos, r.end) });
    }
  };
  const visit = (node: ts.Node): void => {
    take(ts.getLeadingCommentRanges(text, node.getFullStart()));
    take(ts.getTrailingCommentRanges(text, node.getEnd()));
    ts.forEachChild(node, visit);
  };
  take(ts.getLeadingCommentRanges(text, 0));
  ts.forEachChild(sf, visit);
  take(ts.getLeadingCommentRanges(text, sf.endOfFileToken.getFullStart()));
  return out;
}

/** `#` comments of a Python or shell file (to the end of the line; a `#` inside a string is rare enough here). */
function hashComments(text: string): Comment[] {
  const out: Comment[] = [];
  text.split('\n').forEach((l, i) => {
    const m = /(?:^|\s)#(?!!)(.*)$/.exec(l);
    if (m) out.push({ line: i + 1, text: m[1]! });
  });
  return out;
}

/** Docstrings count as comments in Python. */
function pyDocstrings(text: string): Comment[] {
  const out: Comment[] = [];
  for (const m of text.matchAll(/"""([\s\S]*?)"""/g)) out.push({ line: text.slice(0, m.index).split('\n').length, text: m[1]! });
  return out;
}

function commentsOf(path: string): Comment[] {
  const text = readFileSync(path, 'utf8');
  if (path.endsWith('.py')) return [...hashComments(text), ...pyDocstrings(text)];
  if (path.endsWith('.sh')) return hashComments(text);
  return tsComments(path, text);
}

const ROOTS = 'src|tests|bench|lab|scripts|web|docs|deploy';
/** A repository-relative path with an extension, not part of a longer path (dist/src/…) or a URL. */
const PATH_RE = new RegExp(String.raw`(?<![\w./@:-])((?:${ROOTS})/[\w./-]*\w\.(?:tsx?|mjs|js|json|md|sh|py|sql|html|css|ya?ml|txt|png|pcap))(?![\w*{<])`, 'g');
/** A bare Markdown file name (not after a folder), optionally followed by a section: "store.md", "smb-detection.md §3.7". */
const BARE_MD_RE = /(?<![\w./-])([\w-]+\.md)\b/g;
const SECTION_AFTER_RE = /^[,:]?\s*(?:section\s+|§\s*)(\d+(?:\.\d+)*)/;
const TRACKER_RE = /\bissues?\s*#?\d+\b/i;

const headingCache = new Map<string, Set<string> | null>();
/** Numbered headings of a Markdown file ("## 0. Conventions" → "0", "### 3.7 Deciding …" → "3.7"; not "## 50 reports a second"), or null when it numbers none. */
function sectionsOf(file: string): Set<string> | null {
  if (!headingCache.has(file)) {
    const nums = new Set<string>();
    for (const m of readFileSync(file, 'utf8').matchAll(/^#+\s+(\d+(?:\.\d+)+|\d+(?=\.\s))/gm)) nums.add(m[1]!);
    headingCache.set(file, nums.size > 0 ? nums : null);
  }
  return headingCache.get(file)!;
}

function exists(rel: string): boolean {
  if (existsSync(join(root, rel))) return true;
  // A comment may name the compiled file (…/x.js) of a TypeScript source.
  return /\.js$/.test(rel) && (existsSync(join(root, rel.replace(/\.js$/, '.ts'))) || existsSync(join(root, rel.replace(/\.js$/, '.tsx'))));
}

/** The checks of one comment; `file` is repository-relative. */
export function problemsIn(file: string, c: Comment): string[] {
  const where = `${file}:${c.line}`;
  const bad: string[] = [];
  const checkSection = (doc: string, after: string): void => {
    const s = SECTION_AFTER_RE.exec(after);
    if (!s || !doc.endsWith('.md')) return;
    const nums = sectionsOf(join(root, doc));
    if (nums === null) bad.push(`${where}: cites §${s[1]} of ${doc}, which numbers no sections`);
    else if (!nums.has(s[1]!)) bad.push(`${where}: cites §${s[1]} of ${doc}, which has no such section`);
  };
  for (const m of c.text.matchAll(PATH_RE)) {
    const p = m[1]!;
    if (!exists(p)) bad.push(`${where}: cites ${p}, which is not in the repository`);
    else checkSection(p, c.text.slice(m.index + p.length));
  }
  for (const m of c.text.matchAll(BARE_MD_RE)) {
    const name = m[1]!;
    const found = [join(dirname(file), name).split(sep).join('/'), name, `docs/${name}`].find((p) => existsSync(join(root, p)));
    if (found === undefined) bad.push(`${where}: cites ${name}, which is not beside the file, at the root or in docs/`);
    else checkSection(found, c.text.slice(m.index + name.length));
  }
  if (/\.\.\/shared\b|\bshared\/docs\b/.test(c.text)) bad.push(`${where}: cites a folder outside the repository (../shared)`);
  const t = TRACKER_RE.exec(c.text);
  if (t) bad.push(`${where}: "${t[0]}" is a tracker reference; say the reason itself`);
  return bad;
}

test('comments cite files and sections the repository has, and no tracker numbers', () => {
  const bad: string[] = [];
  let scanned = 0;
  for (const dir of SCANNED) {
    for (const path of files(join(root, dir))) {
      const rel = relative(root, path).split(sep).join('/');
      for (const c of commentsOf(path)) bad.push(...problemsIn(rel, c));
      scanned++;
    }
  }
  assert.ok(scanned > 100, `only ${scanned} files found under ${SCANNED.join(', ')}: is the root (${root}) right?`);
  assert.deepEqual(bad, []);
});

test('the citation checks catch what they are for', () => {
  const c = (text: string): Comment => ({ line: 1, text });
  assert.equal(problemsIn('src/x.ts', c('// see docs/performance.md, "Beds"')).length, 0);
  assert.equal(problemsIn('src/x.ts', c('// see src/engine/net/connector.ts')).length, 0);
  assert.equal(problemsIn('src/x.ts', c('// docs/smb-detection.md §3.7 step 3')).length, 0);
  assert.match(problemsIn('src/x.ts', c('// docs/architecture.md P7')).join(), /docs\/architecture\.md, which is not/);
  assert.match(problemsIn('src/x.ts', c('// see src/engine/nowhere.ts')).join(), /not in the repository/);
  assert.match(problemsIn('src/x.ts', c('// docs/smb-detection.md §42.1')).join(), /no such section/);
  assert.match(problemsIn('src/x.ts', c('// performance.md §7.1')).join(), /numbers no sections/);
  assert.match(problemsIn('src/x.ts', c('// advisories-incidents.md §3.4')).join(), /not beside the file/);
  assert.match(problemsIn('src/x.ts', c('// as issue 9 item 2 asks')).join(), /tracker reference/);
  assert.match(problemsIn('src/x.ts', c('// ../shared/vectors')).join(), /outside the repository/);
});
