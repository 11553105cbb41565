/**
 * `sfcctl watch`: one line per event, greppable and stable in width for the common cases:
 * `2025-01-02T03:04:05Z  MODIFIED  chain/web  gen 4  Ready=False WaitingForInstances: ...`.
 * The time is when sfcctl received the event (the API's events carry none), in UTC. Pure.
 */
import type { ChainEvent } from '../../controller/grpc/codecs/chain-responses-codec.js';
import { condition, describeCondition } from '../readiness.js';
import { chainObject } from './objects.js';
import { jsonLine } from './json.js';

const utc = (d: Date): string => `${d.toISOString().slice(0, 19)}Z`;

export function watchLine(e: ChainEvent, received: Date): string {
  const ready = condition(e.chain, 'Ready');
  const state = e.type === 'DELETED' ? 'deleted' : ready ? describeCondition(ready) : 'Ready=Unknown (no conditions yet)';
  return `${utc(received)}  ${e.type.padEnd(8)}  ${`chain/${e.chain.name}`.padEnd(20)}  gen ${String(e.chain.generation).padEnd(3)}  ${state}\n`;
}

/** `-o json`: one object per line (NDJSON), the chain as `get -o json` prints it. */
export const watchJsonLine = (e: ChainEvent, received: Date): string => jsonLine({ type: e.type, time: received.toISOString(), chain: chainObject(e.chain) });
