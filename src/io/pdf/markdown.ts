// The small Markdown the circular's body sections are written in (src/domain/circular.ts: background,
// basis, instructions, closing, annexes) turned into pdfmake content: paragraphs (a blank line apart),
// numbered lines ("1. …" or "1) …"), bullet lines ("- …" or "* …"), headings ("# …") and **bold** /
// *italic* inline. Anything else is printed as the text it is — never dropped, never interpreted as
// markup a letter does not need (links, images, HTML).

import type { Content } from 'pdfmake';

type Inline = string | { text: string; bold?: boolean; italics?: boolean };

/** `**bold**` and `*italic*` runs; unmatched markers stay literal. */
export function inline(s: string): Inline[] {
  const out: Inline[] = [];
  const re = /\*\*([^*]+)\*\*|\*([^*\s][^*]*)\*/g;
  let last = 0;
  for (const m of s.matchAll(re)) {
    if (m.index > last) out.push(s.slice(last, m.index));
    out.push(m[1] !== undefined ? { text: m[1], bold: true } : { text: m[2]!, italics: true });
    last = m.index + m[0].length;
  }
  if (last < s.length) out.push(s.slice(last));
  return out.length === 0 ? [''] : out;
}

interface Block { kind: 'p' | 'ol' | 'ul' | 'h'; lines: string[]; start?: number }

export function markdown(src: string, o: { readonly paragraphGap?: number; readonly justify?: boolean } = {}): Content[] {
  const gap = o.paragraphGap ?? 6;
  const blocks: Block[] = [];
  const push = (kind: Block['kind'], line: string, start?: number) => {
    const prev = blocks[blocks.length - 1];
    if (prev !== undefined && prev.kind === kind && kind !== 'h') prev.lines.push(line);
    else blocks.push({ kind, lines: [line], ...(start !== undefined ? { start } : {}) });
  };
  let blank = true;
  for (const raw of src.replace(/\r\n?/g, '\n').split('\n')) {
    const line = raw.trim();
    if (line === '') { blank = true; continue; }
    const ol = /^(\d{1,3})[.)]\s+(.*)$/.exec(line);
    const ul = /^[-*•]\s+(.*)$/.exec(line);
    const h = /^#{1,6}\s+(.*)$/.exec(line);
    if (h) push('h', h[1]!);
    else if (ol) push('ol', ol[2]!, Number(ol[1]));
    else if (ul) push('ul', ul[1]!);
    else {
      const prev = blocks[blocks.length - 1];
      // A line without a blank line before it continues the paragraph (or the last list entry).
      if (!blank && prev !== undefined && prev.kind !== 'h') prev.lines[prev.lines.length - 1] += ` ${line}`;
      else blocks.push({ kind: 'p', lines: [line] });
    }
    blank = false;
  }
  return blocks.map((b): Content => {
    if (b.kind === 'h') return { text: inline(b.lines[0]!), bold: true, margin: [0, gap, 0, 2] };
    if (b.kind === 'p') return { text: inline(b.lines.join(' ')), margin: [0, 0, 0, gap], ...(o.justify === true ? { alignment: 'justify' as const } : {}) };
    const items = b.lines.map((l) => ({ text: inline(l), margin: [0, 0, 0, 2] as const, ...(o.justify === true ? { alignment: 'justify' as const } : {}) }));
    return b.kind === 'ol' ? { ol: items, start: b.start, margin: [0, 0, 0, gap] } as Content : { ul: items, margin: [0, 0, 0, gap] };
  });
}
