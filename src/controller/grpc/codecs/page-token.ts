/**
 * Pagination (AIP-158) for every List method. Lists are in resource-name order and a page token
 * is a keyset cursor: the name of the last resource of the previous page, so a page never
 * repeats or skips a resource that existed throughout, however many are created or deleted
 * between calls, and the server keeps no state per listing.
 *
 * The token is opaque to clients (base64url of a small JSON: version, cursor, and a digest of
 * the query's other parameters — the filter, the parent — so a token cannot be replayed against
 * a different query: that is INVALID_ARGUMENT). It is not secret: all it can reveal is a name
 * the client was already given.
 */
import { createHash } from 'node:crypto';
import type { ProtoReader } from '../../../common/grpc/proto-reader.js';

export const DEFAULT_PAGE_SIZE = 100;
export const MAX_PAGE_SIZE = 1000;

/** A List call's page, decoded. */
export interface PageRequest {
  /** 1..MAX_PAGE_SIZE (0 on the wire is the default; larger values are capped). */
  readonly size: number;
  /** Resume after this resource name (absent: from the start). */
  readonly after?: string;
  /** The query's other parameters, canonical: the next token is bound to them. */
  readonly query: string;
}

const digest = (query: string): string => createHash('sha256').update(query).digest('base64url').slice(0, 16);

export function encodePageToken(after: string, query: string): string {
  return Buffer.from(JSON.stringify({ v: 1, after, q: digest(query) })).toString('base64url');
}

/** The cursor of a token, or undefined with a violation on `path` when it is not one this query issued. */
function decodePageToken(r: ProtoReader, path: string, token: string, query: string): string | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    parsed = undefined;
  }
  const t = parsed as { v?: unknown; after?: unknown; q?: unknown } | undefined;
  if (typeof t !== 'object' || t === null || t.v !== 1 || typeof t.after !== 'string' || typeof t.q !== 'string') {
    r.add(path, 'is not a page token this API issued');
    return undefined;
  }
  if (t.q !== digest(query)) {
    r.add(path, 'belongs to a different query: the other request fields must be the same as in the call that returned it');
    return undefined;
  }
  return t.after;
}

/** page_size and page_token of a List request; `query` is the canonical text of its other fields. */
export function pageRequestFromProto(r: ProtoReader, m: { readonly pageSize: number; readonly pageToken: string }, query: string): PageRequest {
  if (m.pageSize < 0) r.add('page_size', `must not be negative, got ${m.pageSize}`);
  const size = m.pageSize <= 0 ? DEFAULT_PAGE_SIZE : Math.min(m.pageSize, MAX_PAGE_SIZE);
  const after = m.pageToken ? decodePageToken(r, 'page_token', m.pageToken, query) : undefined;
  return { size, query, ...(after !== undefined ? { after } : {}) };
}

/**
 * One page of `items` (sorted by `name` in JavaScript string order, strictly increasing): those
 * after the cursor, at most `size`, and the token of the next page ("" when this is the last).
 */
export function takePage<T>(items: readonly T[], name: (item: T) => string, page: PageRequest): { items: T[]; nextPageToken: string } {
  const { after } = page;
  const rest = after === undefined ? items : items.filter((i) => name(i) > after);
  const taken = rest.slice(0, page.size);
  const last = taken[taken.length - 1];
  return { items: taken, nextPageToken: rest.length > page.size && last !== undefined ? encodePageToken(name(last), page.query) : '' };
}
