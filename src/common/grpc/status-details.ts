/**
 * Rich error details: a google.rpc.Status carrying google.rpc.ErrorInfo and google.rpc.BadRequest,
 * serialized into the `grpc-status-details-bin` trailer — the convention every gRPC language's
 * error-details helpers read. Serialized with the message codecs proto-loader built from
 * proto/google/rpc, so the bytes follow the .proto files and no hand-written wire code exists.
 */
import type { FieldViolation } from '../errors.js';
import { loadProtos } from './load-proto.js';

export const STATUS_DETAILS_KEY = 'grpc-status-details-bin';
export const ERROR_INFO_TYPE_URL = 'type.googleapis.com/google.rpc.ErrorInfo';
export const BAD_REQUEST_TYPE_URL = 'type.googleapis.com/google.rpc.BadRequest';

export interface StatusDetails {
  /** Canonical gRPC status code. */
  readonly code: number;
  readonly message: string;
  readonly errorInfo?: { readonly reason: string; readonly domain: string; readonly metadata: Readonly<Record<string, string>> };
  readonly violations?: readonly FieldViolation[];
}

export function encodeStatusDetails(d: StatusDetails): Buffer {
  const rpc = loadProtos().google.rpc;
  const details: { type_url: string; value: Buffer }[] = [];
  if (d.errorInfo) {
    details.push({ type_url: ERROR_INFO_TYPE_URL, value: rpc.ErrorInfo.serialize({ ...d.errorInfo, metadata: { ...d.errorInfo.metadata } }) });
  }
  if (d.violations && d.violations.length > 0) {
    details.push({ type_url: BAD_REQUEST_TYPE_URL, value: rpc.BadRequest.serialize({ fieldViolations: d.violations.map((v) => ({ ...v })) }) });
  }
  // protobufjs writes a present empty string; leave it out as proto3 encoders do.
  return rpc.Status.serialize({ code: d.code, ...(d.message ? { message: d.message } : {}), details });
}

/** Decodes what encodeStatusDetails wrote (or any peer's google.rpc.Status); unknown detail types are skipped. */
export function decodeStatusDetails(bytes: Buffer): StatusDetails {
  const rpc = loadProtos().google.rpc;
  const status = rpc.Status.deserialize(bytes);
  let errorInfo: StatusDetails['errorInfo'];
  let violations: FieldViolation[] | undefined;
  for (const any of status.details) {
    if (any.type_url === ERROR_INFO_TYPE_URL) {
      const e = rpc.ErrorInfo.deserialize(any.value);
      errorInfo = { reason: e.reason, domain: e.domain, metadata: e.metadata };
    } else if (any.type_url === BAD_REQUEST_TYPE_URL) {
      violations = rpc.BadRequest.deserialize(any.value).fieldViolations.map((v) => ({ field: v.field, description: v.description }));
    }
  }
  return {
    code: status.code,
    message: status.message,
    ...(errorInfo ? { errorInfo } : {}),
    ...(violations ? { violations } : {}),
  };
}
