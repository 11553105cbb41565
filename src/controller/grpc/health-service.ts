/**
 * grpc.health.v1.Health, the standard health protocol (grpc-health-probe, Kubernetes gRPC probes,
 * load balancers): SERVING from the moment the lifecycle has started it — append it after the
 * GrpcServer and whatever the services need, so it is the last to start and the first to stop —
 * and NOT_SERVING from the moment shutdown begins, so probes take the controller out of rotation
 * before its server stops. Every service the controller serves shares the server's status.
 *
 * Check answers NOT_FOUND for a service the controller does not serve; Watch answers
 * SERVICE_UNKNOWN instead and keeps the stream open, as the protocol asks.
 */
import type * as grpc from '@grpc/grpc-js';
import { injectable } from 'inversify';
import { NotFoundError } from '../../common/errors.js';
import type { GrpcService } from '../../common/grpc/grpc-service.js';
import { GrpcHandlers } from '../../common/grpc/handlers.js';
import { loadProtos } from '../../common/grpc/load-proto.js';
import type { Hook } from '../../common/lifecycle.js';
import { logger } from '../../common/logger.js';
import type { HealthHandlers } from '../../gen/grpc/health/v1/Health.js';
import type { HealthCheckResponse } from '../../gen/grpc/health/v1/HealthCheckResponse.js';

type Status = 'SERVING' | 'NOT_SERVING' | 'SERVICE_UNKNOWN';

/** "" (the whole server) and the fully qualified names of the services the controller serves. */
export const HEALTH_SERVICE_NAMES: readonly string[] = ['', 'srv6sfc.v1.ChainService', 'srv6sfc.v1.NodeService', 'srv6sfc.v1.InstanceService', 'grpc.health.v1.Health'];

@injectable()
export class HealthService implements GrpcService, Hook {
  readonly name = 'health';
  private readonly handlers = new GrpcHandlers(logger('controller.grpc'));
  private serving = false;
  private readonly watchers = new Set<() => void>();

  start(): void {
    this.set(true);
  }

  stop(): void {
    this.set(false);
  }

  /** The server is stopping: NOT_SERVING to every watcher, then their streams end (UNAVAILABLE). */
  drain(): void {
    this.set(false);
    this.handlers.drain();
  }

  private set(serving: boolean): void {
    if (this.serving === serving) return;
    this.serving = serving;
    for (const notify of this.watchers) notify();
  }

  private status(service: string): Status {
    if (!HEALTH_SERVICE_NAMES.includes(service)) return 'SERVICE_UNKNOWN';
    return this.serving ? 'SERVING' : 'NOT_SERVING';
  }

  addToServer(server: grpc.Server): void {
    const h = this.handlers;
    const impl: HealthHandlers = {
      Check: h.unary('Check', async (req): Promise<HealthCheckResponse> => {
        const status = this.status(req.service);
        if (status === 'SERVICE_UNKNOWN') throw new NotFoundError(`unknown service '${req.service}'`, 'SERVICE_NOT_FOUND');
        return { status };
      }),

      Watch: h.serverStream('Watch', (req, sink) => {
        let last: Status | undefined;
        const notify = (): void => {
          const status = this.status(req.service);
          if (status !== last) sink.send({ status });
          last = status;
        };
        notify();
        this.watchers.add(notify);
        return new Promise<void>((resolve) => {
          const done = (): void => {
            this.watchers.delete(notify);
            resolve();
          };
          if (sink.signal.aborted) done();
          else sink.signal.addEventListener('abort', done, { once: true });
        });
      }),
    };
    server.addService(loadProtos().grpc.health.v1.Health.service, impl);
  }
}
