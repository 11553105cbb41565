/**
 * What the netns runtime reads from /proc and /run/netns, without spawning anything: whether a
 * named namespace is mounted, whether a keeper process is still the one we started (pid + start
 * time, so a recycled pid is not mistaken for it) and still inside that namespace (what
 * `ip netns pids` compares: the process's net namespace inode).
 */
import { readFileSync, readlinkSync, statSync } from 'node:fs';

export const NETNS_DIR = '/run/netns';

let nsfsDev: number | undefined;
/** The device number of nsfs: a mounted namespace file has it, a stale empty file does not. */
function nsfs(): number {
  nsfsDev ??= statSync('/proc/self/ns/net').dev;
  return nsfsDev;
}

/** The inode of the named namespace (as in `net:[inode]`), or undefined when it is not mounted. */
export function namespaceInode(name: string): number | undefined {
  try {
    const st = statSync(`${NETNS_DIR}/${name}`);
    return st.dev === nsfs() ? st.ino : undefined;
  } catch {
    return undefined;
  }
}

export interface ProcStat {
  readonly state: string;
  readonly ppid: number;
  /** Clock ticks since boot at which the process started: with the pid, its identity. */
  readonly start: number;
}

export function procStat(pid: number): ProcStat | undefined {
  try {
    const s = readFileSync(`/proc/${pid}/stat`, 'latin1');
    // comm may contain spaces and parentheses: fields start after the last ')'.
    const f = s.slice(s.lastIndexOf(')') + 2).split(' ');
    return { state: f[0]!, ppid: Number(f[1]), start: Number(f[19]) };
  } catch {
    return undefined;
  }
}

/** The inode of the process's network namespace, or undefined when it is gone. */
export function processNetnsInode(pid: number): number | undefined {
  try {
    const m = /^net:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/ns/net`));
    return m ? Number(m[1]) : undefined;
  } catch {
    return undefined;
  }
}

export interface KeeperRef {
  readonly pid: number;
  readonly start: number;
}

/** Why the keeper is not running (undefined when it is the same process and alive, in `nsInode` if given). */
export function keeperProblem(k: KeeperRef, nsInode?: number): string | undefined {
  const st = procStat(k.pid);
  if (!st || st.start !== k.start) return `keeper process ${k.pid} exited`;
  if (st.state === 'Z' || st.state === 'X') return `keeper process ${k.pid} exited`;
  if (nsInode !== undefined && processNetnsInode(k.pid) !== nsInode) return `keeper process ${k.pid} is not in the instance's namespace`;
  return undefined;
}

/** Sends a signal to the keeper only if it is still the process we started. */
export function signalKeeper(k: KeeperRef, signal: NodeJS.Signals): boolean {
  const st = procStat(k.pid);
  if (!st || st.start !== k.start || st.state === 'Z') return false;
  try {
    process.kill(k.pid, signal);
    return true;
  } catch {
    return false;
  }
}
