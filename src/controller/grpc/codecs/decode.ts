/** Runs a decoder with a fresh ProtoReader and throws InvalidArgumentError listing every violation it recorded. */
import { ProtoReader } from '../../../common/grpc/proto-reader.js';

export function decode<T>(what: string, read: (r: ProtoReader) => T): T {
  const r = new ProtoReader();
  const value = read(r);
  r.throwIfAny(what);
  return value;
}
