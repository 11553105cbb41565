/** Exit codes by gRPC status, and failed calls printed with reason, field paths and file positions. */
import { status } from '@grpc/grpc-js';
import { describe, expect, it } from 'vitest';
import { parseChainDocuments } from '../../../src/chains/parse-documents.js';
import { CliError, UsageError } from '../../../src/cli/errors.js';
import { ExitCode, exitCodeForStatus } from '../../../src/cli/exit-codes.js';
import { errorText } from '../../../src/cli/format/error-lines.js';
import { documentFieldPath, formatRpcError, transportReason } from '../../../src/cli/format/rpc-error.js';
import { rpcFailure } from '../../../src/cli/rpc-error.js';
import { AbortedError, DomainError, FailedPreconditionError, InvalidArgumentError, NotFoundError, UnavailableError } from '../../../src/common/errors.js';
import type { RpcError } from '../../../src/common/grpc/errors.js';
import { GrpcHandlers } from '../../../src/common/grpc/handlers.js';
import { logger } from '../../../src/common/logger.js';

process.env.SFC_LOG_LEVEL ??= 'silent';

/** What the controller would send for a thrown domain error: a ServiceError with rich details. */
const served = (err: unknown) => new GrpcHandlers(logger('test.cli')).toServiceError('ApplyChain', err);

const ctx = { controller: '127.0.0.1:50051', timeoutMs: 30_000 };

describe('exitCodeForStatus', () => {
  it('maps every gRPC status to what a script should do', () => {
    const expected: Record<string, ExitCode> = {
      OK: 0,
      CANCELLED: 1,
      UNKNOWN: 1,
      INVALID_ARGUMENT: 2,
      DEADLINE_EXCEEDED: 6,
      NOT_FOUND: 3,
      ALREADY_EXISTS: 5,
      PERMISSION_DENIED: 1,
      RESOURCE_EXHAUSTED: 1,
      FAILED_PRECONDITION: 1,
      ABORTED: 5,
      OUT_OF_RANGE: 2,
      UNIMPLEMENTED: 1,
      INTERNAL: 1,
      UNAVAILABLE: 6,
      DATA_LOSS: 1,
      UNAUTHENTICATED: 1,
    };
    const names = Object.keys(status).filter((k) => Number.isNaN(Number(k)));
    expect(Object.fromEntries(names.map((n) => [n, exitCodeForStatus(status[n as keyof typeof status] as status)]))).toEqual(expected);
  });
});

describe('rpcFailure', () => {
  it('prints the message once, the code and reason, and one line per violation', () => {
    const e = rpcFailure(
      served(
        new InvalidArgumentError(
          [
            { field: 'chain.spec.ingress.node', description: "unknown node 'edge9'" },
            { field: 'chain.spec.functions[1].placement.node_selector', description: 'matches no node' },
          ],
          'invalid chain',
        ),
      ),
      { ...ctx, subject: 'chain/web' },
    );
    expect(e.exitCode).toBe(ExitCode.INVALID);
    expect(errorText(e)).toBe(
      "error: chain/web: invalid chain (INVALID_ARGUMENT)\n  chain.spec.ingress.node: unknown node 'edge9'\n  chain.spec.functions[1].placement.node_selector: matches no node\n",
    );
  });

  it('names the specific reason next to the code', () => {
    expect(errorText(rpcFailure(served(new NotFoundError("chain 'web' does not exist", 'CHAIN_NOT_FOUND')), ctx))).toBe(
      "error: chain 'web' does not exist (NOT_FOUND: CHAIN_NOT_FOUND)\n",
    );
    expect(rpcFailure(served(new AbortedError('changed', 'ETAG_MISMATCH')), ctx).exitCode).toBe(ExitCode.CONFLICT);
    expect(rpcFailure(served(new FailedPreconditionError('no node fits', 'NO_NODE_FITS')), ctx)).toMatchObject({ exitCode: 1, message: 'no node fits (FAILED_PRECONDITION: NO_NODE_FITS)' });
  });

  it('passes on the error id of an internal failure', () => {
    const e = rpcFailure(served(new DomainError('WEIRD', 'oops')), ctx);
    expect(e.exitCode).toBe(ExitCode.FAILURE);
    expect(e.message).toMatch(/^internal error \(error id [0-9a-f]{8}\) \(INTERNAL: WEIRD\)$/);
    expect(e.details).toEqual([]);
  });

  it('tells a controller that is shutting down from one that is not there', () => {
    expect(errorText(rpcFailure(served(new UnavailableError('the server is shutting down', 'SHUTTING_DOWN')), ctx))).toBe(
      'error: the server is shutting down (UNAVAILABLE: SHUTTING_DOWN)\n  the controller is stopping or restarting: run the command again\n',
    );
    const transport = Object.assign(new Error('14 UNAVAILABLE: x'), {
      code: status.UNAVAILABLE,
      details: 'No connection established. Last error: Error: connect ECONNREFUSED 127.0.0.1:50051. Resolution note: ',
    });
    const e = rpcFailure(transport, { ...ctx, subject: 'chain/web' });
    expect(e.exitCode).toBe(ExitCode.UNREACHABLE);
    expect(errorText(e)).toBe(
      'error: cannot reach the controller at 127.0.0.1:50051: connect ECONNREFUSED 127.0.0.1:50051 (UNAVAILABLE)\n  is sfc-controller running there? Set --controller or SFC_CONTROLLER to its address.\n',
    );
    const late = rpcFailure(Object.assign(new Error('4 DEADLINE_EXCEEDED'), { code: status.DEADLINE_EXCEEDED, details: 'Deadline exceeded' }), { ...ctx, timeoutMs: 1500 });
    expect(late).toMatchObject({ exitCode: 6, message: 'no answer from the controller at 127.0.0.1:50051 within 1500ms (DEADLINE_EXCEEDED)' });
  });

  it('reads a local failure (not a call) as exit 1 with its message', () => {
    expect(rpcFailure(new TypeError('boom'), ctx)).toMatchObject({ exitCode: 1, message: 'boom (UNKNOWN)' });
    const mine = new CliError(ExitCode.TIMEOUT, 'late');
    expect(rpcFailure(mine, ctx)).toBe(mine);
  });
});

describe('violations in files', () => {
  const text = `apiVersion: srv6-sfc/v1alpha1
kind: ServiceChain
metadata:
  name: web
  labels: {app: web}
spec:
  ingress:
    node: edge9
    match: {destinations: [10.2.0.0/24], protocol: tcp}
  egress: {node: edge2}
  functions:
    - name: fw
      type: firewall
      config:
        rules: [{action: drop}]
`;
  const source = parseChainDocuments(text, 'web.yaml').chains[0]!.source;

  it('maps proto paths to document paths', () => {
    expect(documentFieldPath('chain.spec.ingress.node')).toBe('spec.ingress.node');
    expect(documentFieldPath('chain.spec.functions[0].firewall.rules[0].dst_ports[1]')).toBe('spec.functions[0].config.rules[0].dstPorts[1]');
    expect(documentFieldPath('chain.spec.ingress.match.protocol_name')).toBe('spec.ingress.match.protocol');
    expect(documentFieldPath('chain.spec.functions[2].placement.node_selector')).toBe('spec.functions[2].placement.nodeSelector');
    expect(documentFieldPath('chain.name')).toBe('metadata.name');
    expect(documentFieldPath('chain.labels')).toBe('metadata.labels');
    expect(documentFieldPath('chain.labels["srv6-sfc/my_key"]')).toBe('metadata.labels["srv6-sfc/my_key"]');
    expect(documentFieldPath('chain.spec.functions[0].placement.node_selector["a_b"]')).toBe('spec.functions[0].placement.nodeSelector["a_b"]');
    expect(documentFieldPath('chain.spec.functions[1].nat.snat.to_address')).toBe('spec.functions[1].config.toAddress');
    expect(documentFieldPath('request_id')).toBeUndefined();
  });

  it('points each violation at its line, or its nearest ancestor’s', () => {
    const e: RpcError = {
      code: status.INVALID_ARGUMENT,
      codeName: 'INVALID_ARGUMENT',
      message: 'invalid chain',
      reason: 'INVALID_ARGUMENT',
      domain: 'srv6-sfc',
      metadata: {},
      violations: [
        { field: 'chain.spec.ingress.node', description: "unknown node 'edge9'" },
        { field: 'chain.spec.functions[0].firewall.rules[0].protocol', description: 'is required here' },
        { field: 'chain.spec.ingress.match.protocol_name', description: 'not on this node' },
        { field: 'request_id', description: 'is not a UUID' },
      ],
    };
    expect(formatRpcError(e, { ...ctx, source }).details).toEqual([
      "web.yaml#1:8:5: spec.ingress.node: unknown node 'edge9'",
      'web.yaml#1:15:17: spec.functions[0].config.rules[0].protocol: is required here',
      'web.yaml#1:9:42: spec.ingress.match.protocol: not on this node',
      'request_id: is not a UUID',
    ]);
  });
});

describe('transportReason', () => {
  it('keeps what happened of grpc-js connection messages', () => {
    expect(transportReason('No connection established. Last error: Error: connect ENOENT /tmp/x.sock. Resolution note: ')).toBe('connect ENOENT /tmp/x.sock');
    expect(transportReason('Connection dropped')).toBe('Connection dropped');
  });
});

describe('errorText', () => {
  it('points usage errors at the command’s help', () => {
    expect(errorText(new UsageError(['missing -f FILE|DIR: what to apply', '--wait-timeout needs --wait'], 'apply'))).toBe(
      "error: missing -f FILE|DIR: what to apply\n  --wait-timeout needs --wait\nRun 'sfcctl apply --help' for usage.\n",
    );
    expect(errorText(new UsageError(['missing command']))).toBe("error: missing command\nRun 'sfcctl --help' for usage.\n");
  });
});
