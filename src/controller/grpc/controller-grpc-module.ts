/**
 * The controller's northbound gRPC feature for the composition root (src/controller/main.ts):
 * ChainService, NodeService, InstanceService and the health service, each multi-bound as a
 * GrpcService for the GrpcServer, which this module binds too.
 *
 * main.ts binds what they use — ChainRegistry (built with `chainWorldValidator`), NodeRegistry,
 * DryRunPlanner (the reconciler's) and GrpcServerOptions — and appends GrpcServer, then
 * HealthService, to the lifecycle (health says SERVING once everything is up, and NOT_SERVING
 * first when stopping).
 */
import { ContainerModule } from 'inversify';
import { GrpcServer } from '../../common/grpc/grpc-server.js';
import { GrpcService } from '../../common/grpc/grpc-service.js';
import { ChainService } from './chain-service.js';
import { HealthService } from './health-service.js';
import { InstanceService } from './instance-service.js';
import { NodeService } from './node-service.js';

/** The services, in the order they are mounted. */
export const CONTROLLER_GRPC_SERVICES = [ChainService, NodeService, InstanceService, HealthService] as const;

export const controllerGrpcModule = new ContainerModule(({ bind }) => {
  for (const service of CONTROLLER_GRPC_SERVICES) {
    bind(service).toSelf().inSingletonScope();
    bind(GrpcService).toService(service);
  }
  bind(GrpcServer).toSelf().inSingletonScope();
});
