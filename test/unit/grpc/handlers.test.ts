/**
 * The handler wrapper on a real server with a real client: every failure becomes a mapped status
 * with rich details, server-side detail goes to the log only, streams end cleanly.
 */
import * as grpc from '@grpc/grpc-js';
import { Writable } from 'node:stream';
import winston from 'winston';
import { afterEach, describe, expect, it } from 'vitest';
import { DomainError, NotFoundError, ResourceExhaustedError } from '../../../src/common/errors.js';
import { decodeRpcError } from '../../../src/common/grpc/errors.js';
import { GrpcHandlers } from '../../../src/common/grpc/handlers.js';
import { loadProtos } from '../../../src/common/grpc/load-proto.js';
import type { AgentServiceClient, AgentServiceHandlers } from '../../../src/gen/srv6sfc/agent/v1/AgentService.js';
import type { WatchEventsResponse } from '../../../src/gen/srv6sfc/agent/v1/WatchEventsResponse.js';

/** A logger whose entries the test can read. */
function captureLogger(): { log: winston.Logger; entries: Record<string, unknown>[] } {
  const entries: Record<string, unknown>[] = [];
  const stream = new Writable({
    objectMode: true,
    write(info: Record<string, unknown>, _enc, cb) {
      entries.push(info);
      cb();
    },
  });
  return { log: winston.createLogger({ level: 'debug', transports: [new winston.transports.Stream({ stream })] }), entries };
}

let close: (() => Promise<void>) | undefined;
afterEach(async () => {
  await close?.();
  close = undefined;
});

/** Serves the AgentService definition with test handlers built from `make`. */
async function serve(make: (h: GrpcHandlers) => Partial<AgentServiceHandlers>, h: GrpcHandlers): Promise<AgentServiceClient> {
  const server = new grpc.Server();
  const unimplemented = h.unary('unimplemented', async () => {
    throw new Error('not under test');
  });
  server.addService(loadProtos().srv6sfc.agent.v1.AgentService.service, {
    GetNode: unimplemented,
    ApplyIntent: unimplemented,
    GetObserved: unimplemented,
    WatchEvents: h.serverStream('WatchEvents', async () => undefined),
    ...make(h),
  });
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))),
  );
  const client = new (loadProtos().srv6sfc.agent.v1.AgentService)(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
  close = async () => {
    client.close();
    server.forceShutdown();
  };
  return client;
}

const getNode = (c: AgentServiceClient): Promise<grpc.ServiceError> =>
  new Promise((resolve, reject) => c.GetNode({}, { deadline: Date.now() + 5000 }, (err) => (err ? resolve(err) : reject(new Error('expected a failure')))));

/** Collects a stream's messages and its final status. */
function watch(c: AgentServiceClient): Promise<{ messages: unknown[]; error: grpc.ServiceError | undefined }> {
  return new Promise((resolve) => {
    const messages: unknown[] = [];
    const call = c.WatchEvents({}, { deadline: Date.now() + 5000 });
    call.on('data', (m) => messages.push(m));
    call.on('error', (error: grpc.ServiceError) => resolve({ messages, error }));
    call.on('end', () => setImmediate(() => resolve({ messages, error: undefined })));
  });
}

describe('GrpcHandlers', () => {
  it('a plain Error is INTERNAL with a generic message; the details and an error id go to the log', async () => {
    const { log, entries } = captureLogger();
    const c = await serve(
      (h) => ({
        GetNode: h.unary('GetNode', async () => {
          throw new Error('EACCES /etc/srv6-sfc/token');
        }),
      }),
      new GrpcHandlers(log),
    );
    const err = await getNode(c);
    expect(err.code).toBe(grpc.status.INTERNAL);
    expect(err.details).not.toContain('EACCES');
    const e = decodeRpcError(err);
    const logged = entries.find((x) => x.message === 'handler failed');
    expect(logged).toMatchObject({ level: 'error', method: 'GetNode', errorId: e.metadata.errorId, reason: 'INTERNAL' });
    expect(String(logged?.error)).toContain('EACCES /etc/srv6-sfc/token');
  });

  it('a synchronous throw from a non-async handler is mapped too', async () => {
    const c = await serve((h) => ({ GetNode: h.unary('GetNode', () => { throw new NotFoundError('node edge9'); }) }), new GrpcHandlers(captureLogger().log));
    const e = decodeRpcError(await getNode(c));
    expect([e.codeName, e.reason, e.message]).toEqual(['NOT_FOUND', 'NOT_FOUND', 'node edge9']);
  });

  it('an error object with a numeric code (errno style) is not taken as a status code', async () => {
    const c = await serve(
      (h) => ({ GetNode: h.unary('GetNode', () => Promise.reject(Object.assign(new Error('ENOENT'), { code: 2 }))) }),
      new GrpcHandlers(captureLogger().log),
    );
    expect((await getNode(c)).code).toBe(grpc.status.INTERNAL);
  });

  it('a DomainError of no known category is INTERNAL: the reason is kept, the message hidden', async () => {
    const c = await serve(
      (h) => ({ GetNode: h.unary('GetNode', () => Promise.reject(new DomainError('KERNEL_REFUSED', 'RTM_NEWROUTE: EINVAL on table 7'))) }),
      new GrpcHandlers(captureLogger().log),
    );
    const e = decodeRpcError(await getNode(c));
    expect([e.codeName, e.reason]).toEqual(['INTERNAL', 'KERNEL_REFUSED']);
    expect(e.message).not.toContain('EINVAL');
  });

  it('a stream sends what it produced, then the mapped status of its failure', async () => {
    const c = await serve(
      (h) => ({
        WatchEvents: h.serverStream<unknown, WatchEventsResponse>('WatchEvents', async (_req, sink) => {
          sink.send({ event: { instanceExited: { instance: 'a', reason: 'x' } } });
          throw new ResourceExhaustedError('too many watchers');
        }),
      }),
      new GrpcHandlers(captureLogger().log),
    );
    const { messages, error } = await watch(c);
    expect(messages).toHaveLength(1);
    expect(decodeRpcError(error)).toMatchObject({ codeName: 'RESOURCE_EXHAUSTED', reason: 'RESOURCE_EXHAUSTED', message: 'too many watchers' });
  });

  it('a stream that completes ends with OK', async () => {
    const c = await serve(
      (h) => ({
        WatchEvents: h.serverStream<unknown, WatchEventsResponse>('WatchEvents', async (_req, sink) => {
          sink.send({ event: { instanceExited: { instance: 'a', reason: 'x' } } });
          sink.send({ event: { instanceExited: { instance: 'b', reason: 'y' } } });
        }),
      }),
      new GrpcHandlers(captureLogger().log),
    );
    const { messages, error } = await watch(c);
    expect([messages.length, error]).toEqual([2, undefined]);
  });

  it('cuts off a client that reads slower than the stream produces (RESOURCE_EXHAUSTED, SLOW_CONSUMER)', async () => {
    let accepted = 0;
    let aborted = false;
    const c = await serve(
      (h) => ({
        WatchEvents: h.serverStream<unknown, WatchEventsResponse>('WatchEvents', async (_req, sink) => {
          // 64 KiB messages: HTTP/2 flow control stops a client that does not read after ~1 of them.
          const big = { event: { driftCorrected: { details: ['x'.repeat(65536)] } } };
          for (let i = 0; i < 10_000 && sink.send(big); i++) accepted++;
          aborted = sink.signal.aborted;
        }),
      }),
      new GrpcHandlers(captureLogger().log, { maxQueuedMessages: 8 }),
    );
    const error = await new Promise<unknown>((resolve) => {
      const call = c.WatchEvents({}, { deadline: Date.now() + 5000 });
      call.pause(); // a client that does not read
      call.on('error', resolve);
      call.on('end', () => resolve(undefined));
    });
    expect(accepted).toBeLessThan(10_000);
    expect(aborted).toBe(true);
    expect(decodeRpcError(error)).toMatchObject({ codeName: 'RESOURCE_EXHAUSTED', reason: 'SLOW_CONSUMER' });
  });
});
