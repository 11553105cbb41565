/**
 * A failed call as the user reads it: `error: <message> (<CODE>: <REASON>)`, then one line per
 * field violation. For a chain read from a file, each violation's proto path
 * (`chain.spec.functions[0].placement.node`) is mapped back to the document's own path and
 * position, so the controller's objections point into the file exactly like local parse errors
 * (`chains/web.yaml#1:14:9: spec.functions[0].placement.node: unknown node 'fn9'`). Pure.
 */
import { status } from '@grpc/grpc-js';
import type { ChainSource } from '../../chains/chain-document.js';
import { formatDocumentError } from '../../chains/format-error.js';
import { locate } from '../../chains/source-positions.js';
import type { RpcError } from '../../common/grpc/errors.js';
import { camelFieldPath } from '../../common/grpc/field-path.js';
import { formatDuration } from '../args/duration.js';

export interface RpcErrorContext {
  /** The controller's address, for transport failures. */
  readonly controller: string;
  /** The per-call deadline, for DEADLINE_EXCEEDED. */
  readonly timeoutMs: number;
  /** What the call was about (`chains/web`), prefixed to the message. */
  readonly subject?: string;
  /** Where the chain of an ApplyChain came from, to point violations into the file. */
  readonly source?: ChainSource;
}

export interface ErrorReport {
  readonly message: string;
  readonly details: readonly string[];
}

/** camelCase outside quoted map keys: `node_selector["my_key"]` → `nodeSelector["my_key"]`. */
const camelOutsideKeys = (path: string): string =>
  path
    .split(/(\["(?:[^"\\]|\\.)*"\])/)
    .map((part, i) => (i % 2 === 1 ? part : camelFieldPath(part)))
    .join('');

/**
 * The document path of an ApplyChain violation (`chain.spec.functions[0].firewall.rules[1]` →
 * `spec.functions[0].config.rules[1]`), undoing the controller's mapping of validator paths
 * (src/controller/grpc/chain-paths.ts): the request wraps the chain in `chain`, names are
 * snake_case on the wire (map keys excepted), the function type's oneof member is the
 * document's `config` (a NAT's `snat` member is its `toAddress`), the protocol oneof is
 * `protocol`, and name and labels live in `metadata`. undefined when not about the chain.
 */
export function documentFieldPath(protoPath: string): string | undefined {
  if (!protoPath.startsWith('chain.')) return undefined;
  return camelOutsideKeys(protoPath.slice('chain.'.length))
    .replace(/^(name|labels)\b/, 'metadata.$1')
    .replace(/^(spec\.functions\[\d+\])\.(firewall|nat|monitor|responder)\b/, '$1.config')
    .replace(/^(spec\.functions\[\d+\]\.config)\.snat\b/, '$1')
    .replace(/\.protocol(Name|Number)\b/, '.protocol');
}

function violationLine(field: string, description: string, source: ChainSource | undefined): string {
  const docPath = source ? documentFieldPath(field) : undefined;
  if (!source || docPath === undefined) return `${field}: ${description}`;
  return formatDocumentError({ file: source.file, document: source.document, field: docPath, description, ...locate(source.positions, docPath) });
}

/**
 * The server's InvalidArgumentError message ends with every violation joined by `; `: they are
 * printed one per line below, so that tail is dropped rather than shown twice.
 */
function withoutViolations(e: RpcError): string {
  if (e.violations.length === 0) return e.message;
  const tail = `: ${e.violations.map((v) => `${v.field}: ${v.description}`).join('; ')}`;
  return e.message.endsWith(tail) ? e.message.slice(0, -tail.length) : e.message;
}

/**
 * grpc-js's connection failure text, `No connection established. Last error: Error: connect
 * ECONNREFUSED 127.0.0.1:50051. Resolution note: `, down to what happened: `connect ECONNREFUSED
 * 127.0.0.1:50051`.
 */
export function transportReason(message: string): string {
  const m = /Last error: (?:Error: )?(.*?)\.?(?:\s*Resolution note:.*)?$/s.exec(message);
  return (m?.[1] ?? message.replace(/\s*Resolution note:\s*$/, '')).trim() || message;
}

export function formatRpcError(e: RpcError, ctx: RpcErrorContext): ErrorReport {
  const prefix = ctx.subject ? `${ctx.subject}: ` : '';
  // No ErrorInfo domain: grpc-js itself failed the call (nothing listening, connection lost).
  // Which chain was being sent does not matter then: nothing got through.
  if (e.code === status.UNAVAILABLE && e.domain === '') {
    return {
      message: `cannot reach the controller at ${ctx.controller}: ${transportReason(e.message)} (UNAVAILABLE)`,
      details: [`is sfc-controller running there? Set --controller or SFC_CONTROLLER to its address.`],
    };
  }
  if (e.code === status.DEADLINE_EXCEEDED && e.domain === '') {
    return { message: `${prefix}no answer from the controller at ${ctx.controller} within ${formatDuration(ctx.timeoutMs)} (DEADLINE_EXCEEDED)`, details: ['raise --timeout if the controller is busy'] };
  }
  const why = e.reason !== e.codeName ? `${e.codeName}: ${e.reason}` : e.codeName;
  const details = e.violations.map((v) => violationLine(v.field, v.description, ctx.source));
  if (e.reason === 'SHUTTING_DOWN') details.push('the controller is stopping or restarting: run the command again');
  // The server puts the id in its message; say it once when it did not.
  if (e.metadata.errorId && !e.message.includes(e.metadata.errorId)) details.push(`the controller logged it with error id ${e.metadata.errorId}`);
  return { message: `${prefix}${withoutViolations(e)} (${why})`, details };
}
