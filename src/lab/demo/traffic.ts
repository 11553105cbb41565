/**
 * Step 2 of the demo: real traffic through the chain, client → server. A ping (every request and
 * reply accounted for) and a short TCP transfer (real TCP through the encapsulation: GSO, MTU),
 * each bracketed by counter reads so every SID's share is visible.
 */
import type { LineLab, Log } from '../line-lab.js';
import { ping } from '../ping.js';
import { type CounterSource, countersDelta, readSidCounters } from '../sid-counters.js';
import { tcpTransfer } from '../tcp-transfer.js';
import { SERVER_ADDRESS, SIDS } from './plan.js';
import type { TrafficResult } from './results.js';

export const counterSources = (lab: LineLab): CounterSource[] => SIDS.map((s) => ({ key: s.key, dataplane: lab.dataplane(s.node), sid: s.sid }));

export interface TrafficOptions {
  readonly pingCount: number;
  readonly pingRate: number;
  readonly tcpBytes: number;
  readonly signal?: AbortSignal;
}

export async function sendTraffic(lab: LineLab, o: TrafficOptions, log: Log): Promise<TrafficResult> {
  const sources = counterSources(lab);
  const c0 = await readSidCounters(sources);
  log(`ping ${SERVER_ADDRESS} from client: ${o.pingCount} packets at ${o.pingRate} pps`);
  const p = await ping(lab.ns('client'), SERVER_ADDRESS, { count: o.pingCount, rate: o.pingRate, signal: o.signal });
  const c1 = await readSidCounters(sources);
  log(`  ${p.transmitted} sent, ${p.received} answered, ${p.lost} lost`);
  if (p.received === 0) {
    // Nothing else can work then; say where along the path packets stopped being counted.
    const seen = countersDelta(c0, c1);
    throw new Error(`no ping reply came back; packets counted per SID: ${SIDS.map((s) => `${s.key} ${seen[s.key]}`).join(', ')}`);
  }
  log(`TCP: ${o.tcpBytes} bytes client → server:5201 (Node sockets inside the namespaces)`);
  const tcp = await tcpTransfer({ server: { ns: lab.ns('server'), address: SERVER_ADDRESS }, clientNs: lab.ns('client'), bytes: o.tcpBytes, signal: o.signal });
  const c2 = await readSidCounters(sources);
  log(`  ${tcp.bytes} bytes in ${tcp.ms.toFixed(1)} ms (${tcp.mbitPerS.toFixed(0)} Mbit/s)`);
  return {
    ping: { transmitted: p.transmitted, received: p.received, lost: p.lost },
    pingCounted: countersDelta(c0, c1),
    tcp,
    tcpCounted: countersDelta(c1, c2),
  };
}
