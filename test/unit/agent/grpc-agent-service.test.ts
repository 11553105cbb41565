/**
 * The AgentService on a real gRPC server (127.0.0.1, a free port) with a real client and a fake
 * AgentCore: what crosses the wire, and how failures look to a client.
 */
import { status } from '@grpc/grpc-js';
import { afterEach, describe, expect, it } from 'vitest';
import { applyResultFromProto } from '../../../src/agent/grpc/apply-result-codec.js';
import { eventFromProto } from '../../../src/agent/grpc/event-codec.js';
import { intentToProto } from '../../../src/agent/grpc/intent-codec.js';
import { nodeInfoFromProto } from '../../../src/agent/grpc/node-codec.js';
import { observedFromProto } from '../../../src/agent/grpc/observed-codec.js';
import type { AgentEvent, ObservedState } from '../../../src/agent/reconcile/types.js';
import { ConflictError, InvalidArgumentError } from '../../../src/common/errors.js';
import { decodeRpcError } from '../../../src/common/grpc/errors.js';
import type { ApplyIntentResponse__Output } from '../../../src/gen/srv6sfc/agent/v1/ApplyIntentResponse.js';
import type { GetNodeResponse__Output } from '../../../src/gen/srv6sfc/agent/v1/GetNodeResponse.js';
import type { GetObservedResponse__Output } from '../../../src/gen/srv6sfc/agent/v1/GetObservedResponse.js';
import type { WatchEventsResponse__Output } from '../../../src/gen/srv6sfc/agent/v1/WatchEventsResponse.js';
import { FULL_INTENT, FakeCore, NODE, type Served, failure, serveAgent, unary } from './grpc-support.js';

let served: Served | undefined;
afterEach(async () => {
  await served?.close();
  served = undefined;
});

async function start(core = new FakeCore()): Promise<{ core: FakeCore; s: Served }> {
  served = await serveAgent(core);
  return { core, s: served };
}

/** Polls until `cond` holds (events and cancellation cross a socket; no fixed sleeps). */
async function until(cond: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 500; i++) {
    if (cond()) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('AgentService', () => {
  it('GetNode describes the node', async () => {
    const { s } = await start();
    const res = await unary<GetNodeResponse__Output>((o, cb) => s.client.GetNode({}, o, cb));
    expect(nodeInfoFromProto(res.node)).toStrictEqual(NODE);
  });

  it('ApplyIntent hands the core exactly the intent the client sent, and returns its result', async () => {
    const { core, s } = await start();
    core.applyImpl = async (intent) => ({
      generation: intent.generation,
      items: [{ kind: 'localSid', key: 'fc00:1::7', ok: false, reason: 'KERNEL_REFUSED', message: 'EINVAL', field: 'localSids[6].behavior' }],
      ops: { created: 3, replaced: 1, deleted: 0, unchanged: 9 },
    });
    const res = await unary<ApplyIntentResponse__Output>((o, cb) => s.client.ApplyIntent({ intent: intentToProto(FULL_INTENT), validateOnly: true }, o, cb));
    expect(core.applied).toHaveLength(1);
    expect(core.applied[0]!.intent).toStrictEqual(FULL_INTENT);
    expect(core.applied[0]!.options).toEqual({ validateOnly: true });
    expect(res.items[0]!.field).toBe('intent.local_sids[6].behavior');
    expect(applyResultFromProto(res)).toStrictEqual({
      generation: 42,
      items: [{ kind: 'localSid', key: 'fc00:1::7', ok: false, reason: 'KERNEL_REFUSED', message: 'EINVAL', field: 'localSids[6].behavior' }],
      ops: { created: 3, replaced: 1, deleted: 0, unchanged: 9 },
    });
  });

  it('a malformed intent is INVALID_ARGUMENT with every field path in BadRequest, and never reaches the core', async () => {
    const { core, s } = await start();
    const err = await failure(
      unary((o, cb) =>
        s.client.ApplyIntent(
          {
            intent: {
              generation: '1',
              edgeChains: [
                { chain: 'a', dev: 'e0', segments: ['fc00::1'] },
                { chain: 'b', dev: 'e0', segments: ['fc00::2'] },
                { chain: 'c', dev: '', segments: ['', 'fc00::3'] },
              ],
              localSids: [{ sid: 'fc00::5', dev: 'e0' }],
            },
          },
          o,
          cb,
        ),
      ),
    );
    const e = decodeRpcError(err);
    expect(e.code).toBe(status.INVALID_ARGUMENT);
    expect(e.reason).toBe('INVALID_ARGUMENT');
    expect(e.domain).toBe('srv6-sfc');
    expect(e.violations).toEqual([
      { field: 'intent.edge_chains[2].dev', description: 'is required' },
      { field: 'intent.edge_chains[2].segments[0]', description: 'is required' },
      { field: 'intent.local_sids[0].behavior', description: 'is required' },
    ]);
    expect(e.message).toContain('intent.edge_chains[2].segments[0]');
    expect(core.applied).toHaveLength(0);
  });

  it('a missing intent is INVALID_ARGUMENT on field `intent`', async () => {
    const { s } = await start();
    const e = decodeRpcError(await failure(unary((o, cb) => s.client.ApplyIntent({}, o, cb))));
    expect([e.codeName, e.violations]).toEqual(['INVALID_ARGUMENT', [{ field: 'intent', description: 'is required' }]]);
  });

  it('a plain Error thrown by the core is INTERNAL (never UNKNOWN) and its message does not leak', async () => {
    const { core, s } = await start();
    core.nodeImpl = () => {
      throw new Error('open /var/run/netns/secret-path: permission denied');
    };
    const err = await failure(unary((o, cb) => s.client.GetNode({}, o, cb)));
    const e = decodeRpcError(err);
    expect(err.code).toBe(status.INTERNAL);
    expect([e.reason, e.domain]).toEqual(['INTERNAL', 'srv6-sfc']);
    expect(err.details).toMatch(/^internal error \(error id [0-9a-f]{8}\)$/);
    expect(err.details).not.toContain('secret-path');
    expect(e.metadata.errorId).toBe(err.details.slice(-9, -1));
  });

  it('a rejected promise is answered at once, not left to hang until the deadline', async () => {
    const { core, s } = await start();
    core.observedImpl = () => Promise.reject(new TypeError('cannot read properties of undefined'));
    // A generous deadline: a hang would surface as DEADLINE_EXCEEDED, a seen rejection as INTERNAL.
    const err = await failure(unary((o, cb) => s.client.GetObserved({}, o, cb), 10_000));
    expect(err.code).toBe(status.INTERNAL);
  });

  it('domain errors keep their code and reason', async () => {
    const { core, s } = await start();
    core.applyImpl = () => Promise.reject(new ConflictError('intent generation 3 is older than the applied 5', 'STALE_GENERATION'));
    let e = decodeRpcError(await failure(unary((o, cb) => s.client.ApplyIntent({ intent: { generation: '3' } }, o, cb))));
    expect([e.codeName, e.reason, e.message]).toEqual(['ABORTED', 'STALE_GENERATION', 'intent generation 3 is older than the applied 5']);

    core.applyImpl = () => Promise.reject(new InvalidArgumentError([{ field: 'edgeChains[0]', description: 'overlaps edgeChains[1]' }], 'invalid intent'));
    e = decodeRpcError(await failure(unary((o, cb) => s.client.ApplyIntent({ intent: { generation: '4' } }, o, cb))));
    expect([e.codeName, e.violations]).toEqual(['INVALID_ARGUMENT', [{ field: 'edgeChains[0]', description: 'overlaps edgeChains[1]' }]]);
  });

  it('GetObserved carries owned state with exact uint64 counters', async () => {
    const { core, s } = await start();
    const o: ObservedState = {
      generation: 42,
      tunnelSource: 'fc00:1::1',
      routes: [
        {
          family: 6,
          dst: 'fc00:1::7/128',
          table: 254,
          protocol: 200,
          metric: 1024,
          dev: 'e0',
          encap: { type: 'seg6local', behavior: { action: 'End.DX4', nh4: '0.0.0.0' }, count: true, counters: { packets: 2n ** 63n + 1n, bytes: 10n, errors: 0n } },
        },
      ],
      nexthops: [{ id: 1, family: 4, dev: 'e0', protocol: 200, encap: { type: 'seg6', mode: 'encap', segments: ['fc00:2::e1'] } }],
      rules: [{ family: 4, priority: 1000, table: 1001, src: '10.0.0.0/8', protocol: 200 }],
      instances: [],
    };
    core.observedImpl = async () => o;
    const res = await unary<GetObservedResponse__Output>((opts, cb) => s.client.GetObserved({}, opts, cb));
    expect(observedFromProto(res.observed)).toStrictEqual(o);
  });

  it('WatchEvents streams events, and releases the listener when the client cancels', async () => {
    const { core, s } = await start();
    const call = s.client.WatchEvents({});
    const got: AgentEvent[] = [];
    call.on('data', (m: WatchEventsResponse__Output) => got.push(eventFromProto(m.event)));
    const ended = new Promise<number>((resolve) => call.on('error', (e: { code: number }) => resolve(e.code)));
    await until(() => core.listeners.size === 1, 'the server to subscribe');

    const events: AgentEvent[] = [
      { type: 'instanceExited', instance: 'fw-1', reason: 'killed' },
      { type: 'driftCorrected', ops: { created: 1, replaced: 0, deleted: 0, unchanged: 12 }, details: ['route fc00:1::7/128 restored'] },
      { type: 'counters', sids: [{ sid: 'fc00:1::7', packets: 5n, bytes: 500n, errors: 0n }] },
    ];
    for (const e of events) core.emit(e);
    await until(() => got.length === events.length, 'the events to arrive');
    expect(got).toStrictEqual(events);

    call.cancel();
    expect(await ended).toBe(status.CANCELLED);
    await until(() => core.listeners.size === 0, 'the server to release the listener');
  });

  it('drain ends open watches with UNAVAILABLE and releases their listeners', async () => {
    const { core, s } = await start();
    const call = s.client.WatchEvents({});
    call.on('data', () => undefined);
    const ended = new Promise<unknown>((resolve) => call.on('error', resolve));
    await until(() => core.listeners.size === 1, 'the server to subscribe');
    s.service.drain();
    const e = decodeRpcError(await ended);
    expect([e.codeName, e.reason]).toEqual(['UNAVAILABLE', 'SHUTTING_DOWN']);
    expect(core.listeners.size).toBe(0);
  });
});
