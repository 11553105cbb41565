/**
 * srv6sfc.v1.ChainService: thin handlers that decode (codecs, then the document rules:
 * chain-calls.ts), call the ChainRegistry through ChainOperations, and encode. Every handler goes
 * through GrpcHandlers (errors mapped to status codes with ErrorInfo and BadRequest, promises
 * awaited, streams cleaned up). Mutations with a request_id are answered once (RequestLog).
 */
import type * as grpc from '@grpc/grpc-js';
import { inject, injectable } from 'inversify';
import type { GrpcService } from '../../common/grpc/grpc-service.js';
import { GrpcHandlers } from '../../common/grpc/handlers.js';
import { loadProtos } from '../../common/grpc/load-proto.js';
import { logger } from '../../common/logger.js';
import type { ChainServiceHandlers } from '../../gen/srv6sfc/v1/ChainService.js';
import { ChainRegistry } from '../chains/chain-registry.js';
import { readApplyChain, readCreateChain, readUpdateChain } from './chain-calls.js';
import { ChainOperations } from './chain-operations.js';
import { watchChains } from './chain-watch.js';
import { chainToProto } from './codecs/chain-codec.js';
import { deleteChainFromProto, getChainFromProto, listChainsFromProto, type MutationOptions, watchChainsFromProto } from './codecs/chain-requests-codec.js';
import { applyChainResultToProto, chainResultToProto, deleteChainResultToProto, listChainsResultToProto } from './codecs/chain-responses-codec.js';
import { DryRunPlanner } from './dry-run-planner.js';
import { RequestLog } from './request-log.js';

@injectable()
export class ChainService implements GrpcService {
  private readonly handlers = new GrpcHandlers(logger('controller.grpc'));
  private readonly requests = new RequestLog();
  private readonly ops: ChainOperations;

  constructor(
    @inject(ChainRegistry) private readonly registry: ChainRegistry,
    @inject(DryRunPlanner) planner: DryRunPlanner,
  ) {
    this.ops = new ChainOperations(registry, planner);
  }

  /**
   * Runs a mutation once per request id. Dry runs are not remembered: they change nothing, so a
   * retry may run again (and see the present). The request is compared without its id, which
   * the decoder has normalized (lowercase) already.
   */
  private once<T>(method: string, call: MutationOptions, request: { readonly requestId: string }, run: () => Promise<T>): Promise<T> {
    const { requestId: _id, ...rest } = request;
    return this.requests.run(method, call.validateOnly ? undefined : call.requestId, rest, run);
  }

  addToServer(server: grpc.Server): void {
    const h = this.handlers;
    const impl: ChainServiceHandlers = {
      CreateChain: h.unary('CreateChain', async (req) => {
        const call = readCreateChain(req);
        return this.once('CreateChain', call, req, async () => chainResultToProto(await this.ops.create(call)));
      }),

      GetChain: h.unary('GetChain', async (req) => ({ chain: chainToProto(await this.registry.get(getChainFromProto(req).name)) })),

      ListChains: h.unary('ListChains', async (req) => {
        const { page, filter } = listChainsFromProto(req);
        return listChainsResultToProto(await this.registry.list(page, filter));
      }),

      UpdateChain: h.unary('UpdateChain', async (req) => {
        const read = readUpdateChain(req);
        return this.once('UpdateChain', read.call, req, async () => chainResultToProto(await this.ops.update(read)));
      }),

      DeleteChain: h.unary('DeleteChain', async (req) => {
        const call = deleteChainFromProto(req);
        return this.once('DeleteChain', call, req, async () => deleteChainResultToProto(await this.ops.delete(call)));
      }),

      ApplyChain: h.unary('ApplyChain', async (req) => {
        const call = readApplyChain(req);
        return this.once('ApplyChain', call, req, async () => applyChainResultToProto(await this.ops.apply(call)));
      }),

      WatchChains: h.serverStream('WatchChains', (req, sink) => watchChains(this.registry, watchChainsFromProto(req).filter, sink)),
    };
    server.addService(loadProtos().srv6sfc.v1.ChainService.service, impl);
  }

  /** Ends open watches with UNAVAILABLE (SHUTTING_DOWN) so the server can stop. */
  drain(): void {
    this.handlers.drain();
  }
}
