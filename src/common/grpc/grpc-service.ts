/**
 * A gRPC service implementation: registers its handlers on a server it does not own, so one
 * server can carry several services and tests can mount a service on their own server.
 * Multi-bound under the `GrpcService` token; the GrpcServer adds every one.
 */
import type * as grpc from '@grpc/grpc-js';

export interface GrpcService {
  addToServer(server: grpc.Server): void;
  /** Ends open streams (UNAVAILABLE) so a graceful shutdown does not wait for watchers forever. */
  drain?(): void;
}

export const GrpcService = Symbol.for('srv6-sfc.GrpcService');
