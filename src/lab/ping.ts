/**
 * iputils ping inside a namespace, with its output parsed: the summary (what was lost) and every
 * reply with the time its request left (`-D` timestamps minus the RTT), so a lab can tell which
 * packets were sent before and after a reconfiguration.
 */
import { nsSpawn } from './netns.js';

export interface PingReply {
  readonly seq: number;
  /** When the echo request left, ms since the epoch (reply timestamp minus RTT). */
  readonly sentAt: number;
  readonly rttMs: number;
}

export interface PingResult {
  readonly transmitted: number;
  readonly received: number;
  readonly lost: number;
  /** One per answered sequence number (duplicates dropped), in arrival order. */
  readonly replies: readonly PingReply[];
}

const REPLY = /^\[(\d+\.\d+)\] .*icmp_seq=(\d+) .*time=([\d.]+) ms/;
const SUMMARY = /(\d+) packets transmitted, (\d+) received/;

/** Parses `ping -D -n` output; throws when there is no statistics line (ping failed to start). */
export function parsePing(output: string): PingResult {
  const summary = SUMMARY.exec(output);
  if (!summary) throw new Error(`ping printed no statistics: ${output.trim().split('\n').slice(-3).join(' | ')}`);
  const seen = new Set<number>();
  const replies: PingReply[] = [];
  for (const line of output.split('\n')) {
    const m = REPLY.exec(line);
    if (!m || line.includes('(DUP!)')) continue;
    const seq = Number(m[2]);
    if (seen.has(seq)) continue;
    seen.add(seq);
    const rttMs = Number(m[3]);
    replies.push({ seq, rttMs, sentAt: Number(m[1]) * 1000 - rttMs });
  }
  const transmitted = Number(summary[1]);
  const received = Number(summary[2]);
  return { transmitted, received, lost: transmitted - received, replies };
}

export interface PingOptions {
  readonly count: number;
  /** Packets per second (root may go below ping's 5 pps floor for users). */
  readonly rate: number;
  readonly signal?: AbortSignal;
}

/** Pings dst from ns and resolves when ping finishes. Losses are data, not an error. */
export function ping(ns: string, dst: string, opts: PingOptions): Promise<PingResult> {
  const interval = (1 / opts.rate).toFixed(3);
  const child = nsSpawn(ns, ['ping', '-D', '-n', '-c', String(opts.count), '-i', interval, '-W', '1', dst], { signal: opts.signal });
  let out = '';
  let err = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => {
      // ping exits 1 when replies are missing: that is a result; 2 and above is a failure to run.
      try {
        if (code !== 0 && code !== 1) throw new Error(`ping ${dst} in ${ns} exited ${code}: ${err.trim() || out.trim()}`);
        resolve(parsePing(out));
      } catch (e) {
        reject(e instanceof Error ? e : new Error(String(e)));
      }
    });
  });
}

export interface RunningPing {
  /** Stops ping (SIGINT) and resolves with its result; packets still in flight are not counted as lost. */
  stop(): Promise<PingResult>;
}

/** Packets sent in the last IN_FLIGHT_MS before a stop may simply not be answered yet. */
const IN_FLIGHT_MS = 50;

/**
 * A ping that runs until stopped: traffic flowing while something else (a reconfiguration)
 * happens. Lost = requests without a reply, except those sent in the last 50 ms before the stop.
 */
export function startPing(ns: string, dst: string, rate: number): RunningPing {
  const child = nsSpawn(ns, ['ping', '-D', '-n', '-i', (1 / rate).toFixed(3), '-W', '1', dst]);
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  const closed = new Promise<void>((resolve) => child.on('close', () => resolve()));
  return {
    async stop() {
      child.kill('SIGINT');
      await closed;
      const r = parsePing(out);
      const settled = Math.max(0, r.transmitted - Math.ceil((rate * IN_FLIGHT_MS) / 1000));
      const answered = r.replies.filter((x) => x.seq <= settled).length;
      // icmp_seq starts at 1 with iputils.
      return { transmitted: settled, received: answered, lost: settled - answered, replies: r.replies };
    },
  };
}
