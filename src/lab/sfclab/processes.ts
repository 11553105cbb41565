/**
 * The lab's long-lived processes: the controller (host namespace, unix socket) and one agent per
 * role node (in the node's network namespace through `nsenter --net`, so the instance namespaces it
 * names are visible to everyone; see docs/operations.md). They are detached from sfclab, log to the
 * lab's run directory, and are stopped by pid from lab.json.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, openSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { REPO_ROOT } from '../node-script.js';

export interface Started {
  readonly pid: number;
}

/** Starts argv detached with stdout/stderr appended to log; resolves once the process exists. */
export function startDetached(argv: readonly string[], log: string): Promise<Started> {
  mkdirSync(dirname(log), { recursive: true });
  const out = openSync(log, 'a');
  const child = spawn(argv[0]!, argv.slice(1), { detached: true, stdio: ['ignore', out, out] });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('spawn', () => {
      child.unref();
      resolve({ pid: child.pid! });
    });
  });
}

export const binary = (name: 'sfc-agent' | 'sfc-controller'): string => join(REPO_ROOT, 'bin', name);

/** Whether pid runs: a zombie (dead, waiting for an init that may never reap it) counts as gone. */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    // /proc/PID/stat: "pid (comm) S ..."; comm may hold spaces, the state follows the last ')'.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

/** Whether pid still runs something of ours (a recycled pid after a reboot or crash is left alone). */
export function isOurs(pid: number, marker: string): boolean {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(marker);
  } catch {
    return false;
  }
}

/** SIGTERM, then SIGKILL after graceMs; resolves when the process is gone. */
export async function stopProcess(pid: number, graceMs = 5000): Promise<void> {
  const signal = (s: NodeJS.Signals): void => {
    try {
      process.kill(pid, s);
    } catch {
      /* already gone */
    }
  };
  signal('SIGTERM');
  for (const deadline = Date.now() + graceMs; Date.now() < deadline; ) {
    if (!isAlive(pid)) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  signal('SIGKILL');
  for (let i = 0; i < 100 && isAlive(pid); i++) await new Promise((r) => setTimeout(r, 20));
}

export function tail(file: string, lines = 20): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}
