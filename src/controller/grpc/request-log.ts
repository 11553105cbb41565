/**
 * AIP-155 request ids: a retried mutation (the client lost the first answer) gets the first
 * call's answer instead of being applied twice — a retried CreateChain answers with the chain it
 * created, not ALREADY_EXISTS; a retried DeleteChain succeeds instead of NOT_FOUND.
 *
 * What is remembered, per method: the last `capacity` successful answers (least recently used go
 * first), in this process only — a restarted controller has forgotten them, which only matters
 * for a retry that straddles the restart. A call still running is shared: a retry arriving before
 * the first answer waits for it. Failures are forgotten at once: a refused call changed nothing,
 * so running it again is safe and gives an answer about the present.
 *
 * The same id with a different request is a client bug (ids must be fresh per request); it is
 * refused with INVALID_ARGUMENT on `request_id` rather than answered with an unrelated result.
 */
import { createHash } from 'node:crypto';
import { InvalidArgumentError } from '../../common/errors.js';

export const DEFAULT_REQUEST_LOG_CAPACITY = 1024;

interface Entry {
  readonly digest: string;
  readonly answer: Promise<unknown>;
}

/** JSON with object keys sorted: two encodings of one request (map order) digest alike. */
function canonical(x: unknown): unknown {
  if (Array.isArray(x)) return x.map(canonical);
  if (typeof x !== 'object' || x === null) return typeof x === 'bigint' ? x.toString() : x;
  if (Buffer.isBuffer(x)) return x.toString('base64');
  return Object.fromEntries(
    Object.entries(x)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([k, v]) => [k, canonical(v)]),
  );
}

export const requestDigest = (request: unknown): string => createHash('sha256').update(JSON.stringify(canonical(request))).digest('base64url');

export class RequestLog {
  /** Per method; a Map iterates in insertion order, so re-inserting on use makes it an LRU. */
  private readonly methods = new Map<string, Map<string, Entry>>();

  constructor(private readonly capacity = DEFAULT_REQUEST_LOG_CAPACITY) {}

  /**
   * Runs `call` once per (method, request id); without an id, always. `request` is the decoded
   * wire message, compared by digest with the first call's.
   */
  run<T>(method: string, requestId: string | undefined, request: unknown, call: () => Promise<T>): Promise<T> {
    if (requestId === undefined) return call();
    let log = this.methods.get(method);
    if (!log) this.methods.set(method, (log = new Map()));
    const digest = requestDigest(request);
    const known = log.get(requestId);
    if (known) {
      if (known.digest !== digest) {
        return Promise.reject(
          new InvalidArgumentError([{ field: 'request_id', description: `was already used for a different ${method} request: use a new id for every request` }], `invalid ${method} request`),
        );
      }
      log.delete(requestId);
      log.set(requestId, known);
      return known.answer as Promise<T>;
    }
    const entry: Entry = { digest, answer: Promise.resolve().then(call) };
    log.set(requestId, entry);
    if (log.size > this.capacity) log.delete(log.keys().next().value!);
    entry.answer.catch(() => {
      if (log.get(requestId) === entry) log.delete(requestId);
    });
    return entry.answer as Promise<T>;
  }
}
