/**
 * One iperf3 TCP flow between two lab namespaces (`iperf3 -s -1` in the server's, `-c -J` in the
 * client's): throughput as the receiver counted it, and the sender's retransmissions.
 */
import { type ChildProcess, execFile } from 'node:child_process';
import { nsSpawn } from './netns.js';

export interface Iperf3Result {
  /** Received, Gbit/s. */
  readonly gbps: number;
  readonly bytes: number;
  readonly retransmits: number;
}

export interface Iperf3Options {
  readonly server: { readonly ns: string; readonly address: string };
  readonly clientNs: string;
  readonly seconds: number;
  readonly port?: number;
}

interface Iperf3Json {
  readonly error?: string;
  readonly end?: { readonly sum_received?: { readonly bits_per_second: number; readonly bytes: number }; readonly sum_sent?: { readonly retransmits?: number } };
}

/** Parses `iperf3 -J` output of the client; throws with iperf3's own error when it reports one. */
export function parseIperf3(json: string): Iperf3Result {
  const r = JSON.parse(json) as Iperf3Json;
  if (r.error) throw new Error(`iperf3: ${r.error}`);
  const got = r.end?.sum_received;
  if (!got) throw new Error('iperf3: no end.sum_received in its report');
  return { gbps: got.bits_per_second / 1e9, bytes: got.bytes, retransmits: r.end?.sum_sent?.retransmits ?? 0 };
}

export async function iperf3(opts: Iperf3Options): Promise<Iperf3Result> {
  const port = String(opts.port ?? 5201);
  const server: ChildProcess = nsSpawn(opts.server.ns, ['iperf3', '-s', '-1', '-B', opts.server.address, '-p', port]);
  try {
    await new Promise((r) => setTimeout(r, 300)); // the listener
    const out = await new Promise<string>((resolve, reject) => {
      execFile('ip', ['netns', 'exec', opts.clientNs, 'iperf3', '-c', opts.server.address, '-p', port, '-t', String(opts.seconds), '-J'], { timeout: (opts.seconds + 20) * 1000 }, (err, stdout) =>
        // iperf3 exits 1 with a JSON error body: report that rather than the exit code.
        stdout.trim().startsWith('{') ? resolve(stdout) : reject(err ?? new Error('iperf3 printed nothing')),
      );
    });
    return parseIperf3(out);
  } finally {
    if (server.exitCode === null) server.kill();
  }
}
