/**
 * Counts kernel changes in a namespace as the kernel announces them (`ip -o monitor route nexthop
 * rule`): an independent witness of how many routes, nexthops and rules a reconfiguration touched
 * on a node. The kernel's own consequences of address and link changes (connected, local and
 * link-local routes, `proto kernel`) are not counted: they follow from instance legs appearing or
 * going, which are reported as instances.
 */
import { type ChildProcess, spawn } from 'node:child_process';

/** Whether one `ip -o monitor` line is a change someone made (not the kernel's own bookkeeping). */
export function isCountedEvent(line: string): boolean {
  const l = line.trim();
  if (l === '') return false;
  if (/\bproto kernel\b/.test(l) || /\btable local\b/.test(l)) return false;
  if (/^(Deleted\s+)?(local|broadcast|multicast|anycast)\s/.test(l)) return false;
  return true;
}

export class KernelEventCounter {
  private readonly child: ChildProcess;
  private events: string[] = [];
  private buffer = '';

  private constructor(readonly ns: string) {
    this.child = spawn('ip', ['-n', ns, '-o', 'monitor', 'route', 'nexthop', 'rule'], { stdio: ['ignore', 'pipe', 'ignore'] });
    this.child.stdout!.on('data', (d: Buffer) => {
      this.buffer += d.toString();
      const lines = this.buffer.split('\n');
      this.buffer = lines.pop()!;
      for (const l of lines) if (isCountedEvent(l)) this.events.push(l);
    });
  }

  /** Starts watching ns; resolves once `ip monitor` has had time to subscribe. */
  static async start(ns: string): Promise<KernelEventCounter> {
    const c = new KernelEventCounter(ns);
    await new Promise((r) => setTimeout(r, 150));
    return c;
  }

  /** The events seen since the last take (and forgets them). */
  take(): string[] {
    const e = this.events;
    this.events = [];
    return e;
  }

  stop(): void {
    this.child.kill();
  }
}
