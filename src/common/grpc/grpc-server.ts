/**
 * The process's gRPC server as a lifecycle hook: binds at start (not in the constructor), mounts
 * every GrpcService, and on stop drains streams, then shuts down gracefully within a grace period
 * before forcing the remaining calls closed.
 */
import * as grpc from '@grpc/grpc-js';
import { unlink } from 'node:fs/promises';
import { connect } from 'node:net';
import { inject, injectable, multiInject } from 'inversify';
import type { Hook } from '../lifecycle.js';
import { logger } from '../logger.js';
import { GrpcService } from './grpc-service.js';

export interface GrpcServerOptions {
  /** `host:port` to listen on; port 0 picks a free one (see `port` after start). */
  readonly address: string;
  /** Default: insecure (lab and tests; put TLS in front or pass credentials in production). */
  readonly credentials?: grpc.ServerCredentials;
  /** How long stop waits for in-flight calls before cancelling them (default 5 s). */
  readonly shutdownGraceMs?: number;
}

export const GrpcServerOptions = Symbol.for('srv6-sfc.GrpcServerOptions');

/**
 * A process killed with -9 leaves its unix socket file behind and the next bind fails with
 * EADDRINUSE. Remove the file when nothing answers on it; a live server keeps it (and our bind fails).
 */
async function removeStaleSocket(address: string): Promise<void> {
  if (!address.startsWith('unix:')) return;
  const path = address.slice('unix:'.length).replace(/^\/\//, '/');
  const live = await new Promise<boolean>((resolve) => {
    const probe = connect(path);
    probe.once('connect', () => {
      probe.destroy();
      resolve(true);
    });
    probe.once('error', () => resolve(false));
  });
  if (!live) await unlink(path).catch(() => undefined);
}

@injectable()
export class GrpcServer implements Hook {
  readonly name = 'grpc-server';
  private server: grpc.Server | undefined;
  private boundPort = 0;
  private readonly log = logger('common.grpc');

  constructor(
    @multiInject(GrpcService) private readonly services: readonly GrpcService[],
    @inject(GrpcServerOptions) private readonly options: GrpcServerOptions,
  ) {}

  /** The port bound at start (useful with port 0). */
  get port(): number {
    return this.boundPort;
  }

  async start(): Promise<void> {
    await removeStaleSocket(this.options.address);
    const server = new grpc.Server();
    for (const s of this.services) s.addToServer(server);
    const credentials = this.options.credentials ?? grpc.ServerCredentials.createInsecure();
    this.boundPort = await new Promise<number>((resolve, reject) =>
      server.bindAsync(this.options.address, credentials, (err, port) => (err ? reject(err) : resolve(port))),
    );
    this.server = server;
    this.log.info('listening', { address: this.options.address, port: this.boundPort });
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    for (const s of this.services) s.drain?.();
    const grace = this.options.shutdownGraceMs ?? 5000;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        this.log.warn('calls still running after the grace period: cancelling them', { graceMs: grace });
        server.forceShutdown();
        resolve();
      }, grace);
      server.tryShutdown(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }
}
