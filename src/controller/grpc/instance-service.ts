/**
 * srv6sfc.v1.InstanceService: the function instances of chains, read only, from the chains'
 * status (instance-view.ts). `chains/-` lists the instances of every chain (AIP-159).
 */
import type * as grpc from '@grpc/grpc-js';
import { inject, injectable } from 'inversify';
import { NotFoundError } from '../../common/errors.js';
import type { GrpcService } from '../../common/grpc/grpc-service.js';
import { GrpcHandlers } from '../../common/grpc/handlers.js';
import { loadProtos } from '../../common/grpc/load-proto.js';
import { logger } from '../../common/logger.js';
import type { InstanceServiceHandlers } from '../../gen/srv6sfc/v1/InstanceService.js';
import type { Chain } from '../../model/chain.js';
import { ChainRegistry } from '../chains/chain-registry.js';
import { allChains } from './chain-watch.js';
import { getInstanceFromProto, instanceToProto, listInstancesFromProto, listInstancesResultToProto } from './codecs/instance-codec.js';
import { takePage } from './codecs/page-token.js';
import { ALL_CHAINS } from './codecs/resource-name.js';
import { chainInstances, instanceResourceName, instancesOf } from './instance-view.js';

@injectable()
export class InstanceService implements GrpcService {
  private readonly handlers = new GrpcHandlers(logger('controller.grpc'));

  constructor(@inject(ChainRegistry) private readonly registry: ChainRegistry) {}

  private async chains(parent: string): Promise<Chain[]> {
    if (parent !== ALL_CHAINS) return [await this.registry.get(parent)];
    const all: Chain[] = [];
    for await (const c of allChains(this.registry)) all.push(c);
    return all;
  }

  addToServer(server: grpc.Server): void {
    const h = this.handlers;
    const impl: InstanceServiceHandlers = {
      GetInstance: h.unary('GetInstance', async (req) => {
        const { chain, function: fn } = getInstanceFromProto(req);
        const found = chainInstances(await this.registry.get(chain)).find((i) => i.function === fn);
        if (!found) throw new NotFoundError(`chain '${chain}' has no instance of function '${fn}' (no such function, or not placed yet)`, 'INSTANCE_NOT_FOUND');
        return { instance: instanceToProto(found) };
      }),

      ListInstances: h.unary('ListInstances', async (req) => {
        const { chain, page } = listInstancesFromProto(req);
        const { items, nextPageToken } = takePage(instancesOf(await this.chains(chain)), instanceResourceName, page);
        return listInstancesResultToProto({ instances: items, nextPageToken });
      }),
    };
    server.addService(loadProtos().srv6sfc.v1.InstanceService.service, impl);
  }
}
