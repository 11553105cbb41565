/**
 * grpc.health.v1.Health on a real server: SERVING once started, NOT_SERVING once stopping,
 * unknown services as the protocol says (Check: NOT_FOUND; Watch: SERVICE_UNKNOWN), watchers
 * told of changes and released.
 */
import * as grpc from '@grpc/grpc-js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { HealthCheckResponse__Output } from '../../../../src/gen/grpc/health/v1/HealthCheckResponse.js';
import { type Controller, expectRpcError, startController, unary, until } from './server-support.js';

let c: Controller;
beforeEach(async () => {
  c = await startController({ registerNodes: false });
});
afterEach(async () => {
  await c.close();
});

const check = (service: string) => unary<HealthCheckResponse__Output>((o, cb) => c.healthClient.Check({ service }, o, cb));

describe('Health', () => {
  it('Check: SERVING for the server and each of its services once started, NOT_SERVING once stopping', async () => {
    for (const service of ['', 'srv6sfc.v1.ChainService', 'srv6sfc.v1.NodeService', 'srv6sfc.v1.InstanceService', 'grpc.health.v1.Health']) {
      expect((await check(service)).status, service).toBe('SERVING');
    }
    c.health.stop();
    expect((await check('')).status).toBe('NOT_SERVING');
    c.health.start();
    expect((await check('')).status).toBe('SERVING');
    await expectRpcError(check('srv6sfc.v1.NoSuchService'), 'NOT_FOUND', 'SERVICE_NOT_FOUND');
  });

  it('Watch: the status now, then each change; an unknown service is SERVICE_UNKNOWN; drain ends the stream', async () => {
    const seen: string[] = [];
    const call = c.healthClient.Watch({ service: '' });
    call.on('data', (m: HealthCheckResponse__Output) => seen.push(m.status));
    const ended = new Promise<grpc.ServiceError>((resolve) => call.on('error', resolve));
    const unknown: string[] = [];
    const other = c.healthClient.Watch({ service: 'nope.v1.Nothing' });
    other.on('data', (m: HealthCheckResponse__Output) => unknown.push(m.status));
    other.on('error', () => undefined);
    await until(() => seen.length === 1 && unknown.length === 1, 'the first statuses');
    expect(seen).toEqual(['SERVING']);
    expect(unknown).toEqual(['SERVICE_UNKNOWN']);

    c.health.stop();
    c.health.stop(); // no change, no message
    c.health.start();
    await until(() => seen.length === 3, 'two changes');
    expect(seen).toEqual(['SERVING', 'NOT_SERVING', 'SERVING']);

    // The server stopping: watchers hear NOT_SERVING first, then their stream ends.
    c.health.drain();
    await expectRpcError(ended.then((e) => Promise.reject(e)), 'UNAVAILABLE', 'SHUTTING_DOWN');
    expect(seen).toEqual(['SERVING', 'NOT_SERVING', 'SERVING', 'NOT_SERVING']);
    expect(unknown).toEqual(['SERVICE_UNKNOWN']);
  });
});
