/**
 * Loads the project's .proto files at run time with ONE fixed set of proto-loader options.
 * The types in src/gen are generated from the same options (npm run proto:gen; a unit test checks
 * they are current), so the shapes handlers see are the shapes the types promise:
 *
 * - keepCase false: fields are camelCase in TypeScript (`edge_chains` → `edgeChains`), as in the
 *   domain types; field paths in errors are still written with proto names.
 * - longs String: 64-bit integers (generations, counters) arrive as decimal strings, exact beyond
 *   2^53, and convert losslessly to the bigint / number of the domain types. (Number would round
 *   byte counters silently; Long objects would leak a library type into every handler.)
 * - enums String: enum values are their proto names (`SEG6_MODE_ENCAP`); unknown numbers stay
 *   numbers, which the codecs reject with a field path.
 * - defaults true: absent scalars and repeated fields read as their zero values, absent messages
 *   as null, so a decoder never meets `undefined` for a non-optional field.
 * - oneofs true: each oneof gets a virtual field naming the member that is set.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import type { ProtoGrpcType as AgentProto } from '../../gen/agent_service.js';
import type { ProtoGrpcType as NodeProto } from '../../gen/node_service.js';
import type { ProtoGrpcType as ChainProto } from '../../gen/chain_service.js';
import type { ProtoGrpcType as InstanceProto } from '../../gen/instance_service.js';
import type { ProtoGrpcType as StatusProto } from '../../gen/status.js';
import type { ProtoGrpcType as ErrorDetailsProto } from '../../gen/error_details.js';
import type { ProtoGrpcType as HealthProto } from '../../gen/health.js';

/**
 * The `proto/` folder: found by walking up from this module, so it works from `src/` under tsx
 * and from a compiled `dist/src/` alike.
 */
function findProtoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(dir, 'proto');
    if (existsSync(join(candidate, 'srv6sfc'))) return candidate;
    const up = dirname(dir);
    if (up === dir) throw new Error(`no proto/ folder above ${fileURLToPath(import.meta.url)}`);
    dir = up;
  }
}

export const PROTO_ROOT = findProtoRoot();

/**
 * Entry files (relative to PROTO_ROOT); what they import is found through includeDirs. google.rpc
 * is loaded for its message codecs: rich error details are serialized with them. grpc.health.v1
 * is the standard health protocol the controller serves for probes and load balancers.
 */
export const PROTO_FILES = [
  'srv6sfc/agent/v1/agent_service.proto',
  'srv6sfc/v1/node_service.proto',
  'srv6sfc/v1/chain_service.proto',
  'srv6sfc/v1/instance_service.proto',
  'google/rpc/status.proto',
  'google/rpc/error_details.proto',
  'grpc/health/v1/health.proto',
] as const;

export const PROTO_LOADER_OPTIONS = {
  keepCase: false,
  longs: String,
  enums: String,
  defaults: true,
  oneofs: true,
  includeDirs: [PROTO_ROOT],
} as const satisfies protoLoader.Options;

/** Every service and message of the project's protos, typed by the generated root types. */
export type Protos = AgentProto & NodeProto & ChainProto & InstanceProto & StatusProto & ErrorDetailsProto & HealthProto;

let cached: Protos | undefined;

/** Loads (once per process) and returns the gRPC objects: service constructors and definitions. */
export function loadProtos(): Protos {
  if (!cached) {
    const definition = protoLoader.loadSync([...PROTO_FILES], PROTO_LOADER_OPTIONS);
    // The cast is the one place the generated types meet the loader: they were generated from
    // these files with these options (checked by test/unit/grpc/generated-types.test.ts).
    cached = grpc.loadPackageDefinition(definition) as unknown as Protos;
  }
  return cached;
}
