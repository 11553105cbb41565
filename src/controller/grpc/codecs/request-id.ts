/** AIP-155 `request_id`: empty (no deduplication) or a UUID, compared case-insensitively. */
import type { ProtoReader } from '../../../common/grpc/proto-reader.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The request id, lowercased; undefined when empty; a violation when it is not a UUID. */
export function requestIdFromProto(r: ProtoReader, path: string, id: string): string | undefined {
  if (id === '') return undefined;
  if (!UUID.test(id)) r.add(path, `must be a UUID (e.g. 7d444840-9dc0-11d1-b245-5ffdce74fad2), got ${JSON.stringify(id)}`);
  return id.toLowerCase();
}
