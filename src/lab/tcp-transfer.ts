/**
 * One TCP transfer between two lab namespaces with tcp-probe on both ends: real TCP (handshake,
 * windows, GSO, MTU) across whatever path the lab built.
 */
import type { ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { REPO_ROOT, nodeScript } from './node-script.js';
import { nsSpawn } from './netns.js';

export interface TcpTransfer {
  readonly bytes: number;
  readonly ms: number;
  readonly mbitPerS: number;
  /** The client's address as the server saw it (a NAT on the path rewrites it). */
  readonly peer?: string;
}

export interface TcpTransferOptions {
  readonly server: { readonly ns: string; readonly address: string };
  readonly clientNs: string;
  readonly bytes: number;
  readonly port?: number;
  readonly signal?: AbortSignal;
}

/** Resolves with the first JSON line the child prints; rejects with its stderr if it exits first. */
function firstLine<T>(child: ChildProcess, what: string): Promise<T> {
  let err = '';
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  return new Promise<T>((resolve, reject) => {
    const rl = createInterface({ input: child.stdout! });
    rl.once('line', (l) => resolve(JSON.parse(l) as T));
    child.once('error', reject);
    child.once('close', (code) => reject(new Error(`${what} exited ${code}: ${err.trim()}`)));
  });
}

export async function tcpTransfer(o: TcpTransferOptions): Promise<TcpTransfer> {
  const port = String(o.port ?? 5201);
  const spawnProbe = (ns: string, args: string[]): ChildProcess => nsSpawn(ns, [...nodeScript(import.meta.url, 'tcp-probe'), ...args], { cwd: REPO_ROOT, signal: o.signal });
  const server = spawnProbe(o.server.ns, ['serve', o.server.address, port]);
  try {
    await firstLine<{ listening: true }>(server, `tcp-probe server in ${o.server.ns}`);
    const client = spawnProbe(o.clientNs, ['send', o.server.address, port, String(o.bytes)]);
    const r = await firstLine<{ sent: number; received: number; ms: number; peer?: string }>(client, `tcp-probe sender in ${o.clientNs}`);
    if (r.received !== r.sent) throw new Error(`TCP transfer: sent ${r.sent} bytes, the server received ${r.received}`);
    return { bytes: r.received, ms: r.ms, mbitPerS: (r.received * 8) / (r.ms * 1000), ...(r.peer ? { peer: r.peer.replace(/^::ffff:/, '') } : {}) };
  } finally {
    server.kill();
  }
}
