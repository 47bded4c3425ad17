// Access to the project's lab (lab/perisai-lab) for integration tests: its ground truth, and a guard that
// refuses to send anything unless the lab is really up (a lab address without the lab's routes would leave
// the machine through the default route; see the network-safety rules in lab/README.md).
import { existsSync, readFileSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import assert from 'node:assert/strict';

export const CLI = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));
export const COMPARE = fileURLToPath(new URL('../../../lab/lib/compare.py', import.meta.url));
export const TRUTH_PATH = process.env.PERISAI_LAB_TRUTH ?? '/run/perisai-lab/ground-truth.json';
export const LAB_SCOPE = '198.18.0.0/15';

export interface LabHost {
  name: string;
  role: string;
  ip: string;
  tcp: { open: number[]; closed: number[]; filtered: number[]; default: 'closed' | 'filtered' };
  services?: Record<string, { name: string; banner?: string; server_header?: string }>;
  smb?: Record<string, unknown> | null;
}
export interface Truth {
  hosts: LabHost[];
  lab: { unassigned_examples?: unknown; top1000_tcp: { ranked: number[] } };
}

/** Fails (never skips) when the lab is down: scripts/test-all.sh brings it up before the tests. */
export function requireLab(): Truth {
  assert.ok(existsSync('/sys/class/net/plbr0'), 'the lab is down (no plbr0 bridge): run `sudo lab/perisai-lab up` first');
  assert.ok(existsSync(TRUTH_PATH), `lab ground truth missing at ${TRUTH_PATH}`);
  return JSON.parse(readFileSync(TRUTH_PATH, 'utf8')) as Truth;
}

export function expectedState(h: LabHost, port: number): 'open' | 'closed' | 'filtered' {
  if (h.tcp.open.includes(port)) return 'open';
  if (h.tcp.closed.includes(port)) return 'closed';
  if (h.tcp.filtered.includes(port)) return 'filtered';
  return h.tcp.default;
}

export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

export function run(cmd: string, args: string[], timeoutMs = 300_000): Promise<Run> {
  return new Promise((resolve) => {
    const t0 = Date.now();
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, ms: Date.now() - t0 });
    });
  });
}

export function perisai(args: string[], timeoutMs?: number): Promise<Run> {
  return run(process.execPath, [CLI, ...args], timeoutMs);
}

export function jsonl(text: string): Record<string, unknown>[] {
  return text
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}
