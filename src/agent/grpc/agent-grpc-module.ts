/**
 * The agent's gRPC feature for the composition root (src/agent/main.ts): the AgentService,
 * multi-bound as a GrpcService for the GrpcServer, and the controller registration. main.ts binds
 * AgentCore, GrpcServerOptions and RegistrationOptions, and appends GrpcServer then Registration
 * to the lifecycle (serve first, then tell the controller where).
 */
import { ContainerModule } from 'inversify';
import { GrpcServer } from '../../common/grpc/grpc-server.js';
import { GrpcService } from '../../common/grpc/grpc-service.js';
import { AgentService } from './agent-service.js';
import { Registration } from './registration.js';

export const agentGrpcModule = new ContainerModule(({ bind }) => {
  bind(AgentService).toSelf().inSingletonScope();
  bind(GrpcService).toService(AgentService);
  bind(GrpcServer).toSelf().inSingletonScope();
  bind(Registration).toSelf().inSingletonScope();
});
