/**
 * srv6sfc.v1.NodeService: agents register and heartbeat; operators and sfcctl get and list.
 * Thin handlers over the NodeRegistry. Heartbeat answers NOT_FOUND (NODE_NOT_FOUND) for a node
 * the controller does not know, which is what makes an agent register again.
 */
import type * as grpc from '@grpc/grpc-js';
import { inject, injectable } from 'inversify';
import type { GrpcService } from '../../common/grpc/grpc-service.js';
import { GrpcHandlers } from '../../common/grpc/handlers.js';
import { loadProtos } from '../../common/grpc/load-proto.js';
import { ProtoReader } from '../../common/grpc/proto-reader.js';
import { logger } from '../../common/logger.js';
import type { NodeServiceHandlers } from '../../gen/srv6sfc/v1/NodeService.js';
import type { RegisterNodeRequest__Output } from '../../gen/srv6sfc/v1/RegisterNodeRequest.js';
import type { NodeRecord } from '../../model/node.js';
import { NodeRegistry } from '../nodes/node-registry.js';
import { matchesLabels } from './codecs/label-filter.js';
import { type RegisterNodeCall, listNodesFromProto, listNodesResultToProto, nodeNameFromProto, nodeToProto, registerNodeFromProto } from './codecs/node-codec.js';
import { takePage } from './codecs/page-token.js';
import { checkNode } from './node-checks.js';

/** Decoded (shape: the codec), then checked (meaning: node-checks.ts), each with every violation at once. */
function readRegisterNode(req: RegisterNodeRequest__Output): RegisterNodeCall {
  const call = registerNodeFromProto(req);
  const r = new ProtoReader();
  checkNode(r, call.node);
  r.throwIfAny('invalid RegisterNode request');
  return call;
}

@injectable()
export class NodeService implements GrpcService {
  private readonly handlers = new GrpcHandlers(logger('controller.grpc'));

  constructor(@inject(NodeRegistry) private readonly registry: NodeRegistry) {}

  addToServer(server: grpc.Server): void {
    const h = this.handlers;
    const impl: NodeServiceHandlers = {
      RegisterNode: h.unary('RegisterNode', async (req) => {
        const { node, validateOnly } = readRegisterNode(req);
        const record: NodeRecord = validateOnly ? { ...node, state: 'READY', lastHeartbeat: new Date().toISOString() } : await this.registry.register(node);
        return { node: nodeToProto(record) };
      }),

      Heartbeat: h.unary('Heartbeat', async (req) => {
        await this.registry.heartbeat(nodeNameFromProto(req, 'Heartbeat'));
        return {};
      }),

      GetNode: h.unary('GetNode', async (req) => ({ node: nodeToProto(await this.registry.get(nodeNameFromProto(req, 'GetNode'))) })),

      ListNodes: h.unary('ListNodes', async (req) => {
        const { page, filter } = listNodesFromProto(req);
        const nodes = (await this.registry.list()).filter((n) => matchesLabels(filter, n.labels));
        const { items, nextPageToken } = takePage(nodes, (n) => n.name, page);
        return listNodesResultToProto({ nodes: items, nextPageToken });
      }),
    };
    server.addService(loadProtos().srv6sfc.v1.NodeService.service, impl);
  }
}
