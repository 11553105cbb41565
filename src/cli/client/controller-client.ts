/**
 * The controller's northbound API as sfcctl uses it: promise-based calls that take and return
 * domain values through the same codecs the server uses (src/controller/grpc/codecs), one
 * deadline per call, lists read to the end page by page. Failures are grpc-js ServiceErrors
 * (decodeRpcError reads them); a response that does not decode throws InvalidArgumentError.
 */
import * as grpc from '@grpc/grpc-js';
import { loadProtos } from '../../common/grpc/load-proto.js';
import type { ChainInput } from '../../controller/grpc/codecs/chain-codec.js';
import { chainFromProto } from '../../controller/grpc/codecs/chain-codec.js';
import { applyChainToProto, deleteChainToProto, listChainsToProto } from '../../controller/grpc/codecs/chain-requests-codec.js';
import {
  type ApplyChainResult,
  type ChainEvent,
  applyChainResultFromProto,
  chainEventFromProto,
  deleteChainResultFromProto,
  listChainsResultFromProto,
} from '../../controller/grpc/codecs/chain-responses-codec.js';
import type { DryRunPlan } from '../../controller/grpc/codecs/chain-plan-codec.js';
import { type ChainInstance, instanceFromProto, listInstancesResultFromProto, listInstancesToProto } from '../../controller/grpc/codecs/instance-codec.js';
import { type LabelFilter, formatLabelFilter } from '../../controller/grpc/codecs/label-filter.js';
import { listNodesResultFromProto, listNodesToProto, nodeFromProto } from '../../controller/grpc/codecs/node-codec.js';
import { chainName, instanceName, nodeName } from '../../controller/grpc/codecs/resource-name.js';
import type { ChainServiceClient } from '../../gen/srv6sfc/v1/ChainService.js';
import type { GetChainResponse__Output } from '../../gen/srv6sfc/v1/GetChainResponse.js';
import type { GetInstanceResponse__Output } from '../../gen/srv6sfc/v1/GetInstanceResponse.js';
import type { GetNodeResponse__Output } from '../../gen/srv6sfc/v1/GetNodeResponse.js';
import type { InstanceServiceClient } from '../../gen/srv6sfc/v1/InstanceService.js';
import type { NodeServiceClient } from '../../gen/srv6sfc/v1/NodeService.js';
import type { WatchChainsResponse__Output } from '../../gen/srv6sfc/v1/WatchChainsResponse.js';
import type { Chain } from '../../model/chain.js';
import type { NodeRecord } from '../../model/node.js';

export interface ControllerClientOptions {
  /** Deadline of each unary call, ms. */
  readonly timeoutMs: number;
}

/** A running watch: cancel() ends it (the server then drops its listener). */
export interface WatchHandle {
  cancel(): void;
}

export interface WatchHandlers {
  onEvent(e: ChainEvent): void;
  /** The stream ended: by the server (err undefined: OK) or with an error. Not called after cancel(). */
  onEnd(err?: unknown): void;
}

export class ControllerClient {
  private readonly chains: ChainServiceClient;
  private readonly nodes: NodeServiceClient;
  private readonly instances: InstanceServiceClient;

  constructor(
    readonly address: string,
    private readonly opts: ControllerClientOptions,
  ) {
    const v1 = loadProtos().srv6sfc.v1;
    const credentials = grpc.credentials.createInsecure();
    this.chains = new v1.ChainService(address, credentials);
    // One connection for all three services: the later clients reuse the first one's channel.
    const channelOverride = this.chains.getChannel();
    this.nodes = new v1.NodeService(address, credentials, { channelOverride });
    this.instances = new v1.InstanceService(address, credentials, { channelOverride });
  }

  private unary<Res>(start: (opts: grpc.CallOptions, cb: grpc.requestCallback<Res>) => unknown): Promise<Res> {
    return new Promise((resolve, reject) => {
      start({ deadline: Date.now() + this.opts.timeoutMs }, (err, res) => (err ? reject(err) : resolve(res as Res)));
    });
  }

  async applyChain(chain: ChainInput & { readonly name: string }, validateOnly: boolean): Promise<ApplyChainResult> {
    const req = applyChainToProto({ chain, validateOnly });
    return applyChainResultFromProto(await this.unary((o, cb) => this.chains.applyChain(req, o, cb)));
  }

  async getChain(name: string): Promise<Chain> {
    const res = await this.unary<GetChainResponse__Output>((o, cb) => this.chains.getChain({ name: chainName(name) }, o, cb));
    return chainFromProto(res.chain);
  }

  async listChains(filter: LabelFilter): Promise<Chain[]> {
    const out: Chain[] = [];
    let pageToken = '';
    do {
      const req = listChainsToProto({ filter, pageToken });
      const page = listChainsResultFromProto(await this.unary((o, cb) => this.chains.listChains(req, o, cb)));
      out.push(...page.chains);
      pageToken = page.nextPageToken;
    } while (pageToken !== '');
    return out;
  }

  async deleteChain(name: string, opts: { etag?: string; allowMissing: boolean; validateOnly: boolean }): Promise<{ plan?: DryRunPlan }> {
    const req = deleteChainToProto({ name, ...opts });
    return deleteChainResultFromProto(await this.unary((o, cb) => this.chains.deleteChain(req, o, cb)));
  }

  watchChains(filter: LabelFilter, handlers: WatchHandlers): WatchHandle {
    const call = this.chains.watchChains({ filter: formatLabelFilter(filter) });
    let cancelled = false;
    let ended = false;
    const end = (err?: unknown): void => {
      if (ended || cancelled) return;
      ended = true;
      handlers.onEnd(err);
    };
    call.on('data', (m: WatchChainsResponse__Output) => {
      try {
        handlers.onEvent(chainEventFromProto(m));
      } catch (err) {
        // A malformed event: stop rather than show a chain that is not what the server holds.
        end(err);
        call.cancel();
      }
    });
    call.on('error', (err: grpc.ServiceError) => end(err));
    call.on('end', () => end());
    return {
      cancel: () => {
        cancelled = true;
        call.cancel();
      },
    };
  }

  async listNodes(filter: LabelFilter): Promise<NodeRecord[]> {
    const out: NodeRecord[] = [];
    let pageToken = '';
    do {
      const req = listNodesToProto({ filter, pageToken });
      const page = listNodesResultFromProto(await this.unary((o, cb) => this.nodes.listNodes(req, o, cb)));
      out.push(...page.nodes);
      pageToken = page.nextPageToken;
    } while (pageToken !== '');
    return out;
  }

  async getNode(name: string): Promise<NodeRecord> {
    const res = await this.unary<GetNodeResponse__Output>((o, cb) => this.nodes.getNode({ name: nodeName(name) }, o, cb));
    return nodeFromProto(res.node);
  }

  /** Instances of one chain, or of every chain (chain undefined). */
  async listInstances(chain?: string): Promise<ChainInstance[]> {
    const out: ChainInstance[] = [];
    let pageToken = '';
    do {
      const req = listInstancesToProto({ ...(chain !== undefined ? { chain } : {}), pageToken });
      const page = listInstancesResultFromProto(await this.unary((o, cb) => this.instances.listInstances(req, o, cb)));
      out.push(...page.instances);
      pageToken = page.nextPageToken;
    } while (pageToken !== '');
    return out;
  }

  async getInstance(chain: string, fn: string): Promise<ChainInstance> {
    const res = await this.unary<GetInstanceResponse__Output>((o, cb) => this.instances.getInstance({ name: instanceName(chain, fn) }, o, cb));
    return instanceFromProto(res.instance);
  }

  /** Closes the one channel the three clients share. */
  close(): void {
    this.chains.close();
  }
}
