import { Metadata, status } from '@grpc/grpc-js';
import { describe, expect, it } from 'vitest';
import { decodeRpcError } from '../../../src/common/grpc/errors.js';
import { STATUS_DETAILS_KEY, encodeStatusDetails } from '../../../src/common/grpc/status-details.js';

const serviceError = (code: status, details: string, metadata = new Metadata()) => Object.assign(new Error(`${code} ${status[code]}: ${details}`), { code, details, metadata });

describe('decodeRpcError', () => {
  it('decodes reason, domain, metadata and violations from the trailer', () => {
    const md = new Metadata();
    md.set(
      STATUS_DETAILS_KEY,
      encodeStatusDetails({
        code: status.INVALID_ARGUMENT,
        message: 'bad',
        errorInfo: { reason: 'INVALID_ARGUMENT', domain: 'srv6-sfc', metadata: { k: 'v' } },
        violations: [{ field: 'f', description: 'd' }],
      }),
    );
    expect(decodeRpcError(serviceError(status.INVALID_ARGUMENT, 'bad', md))).toEqual({
      code: status.INVALID_ARGUMENT,
      codeName: 'INVALID_ARGUMENT',
      message: 'bad',
      reason: 'INVALID_ARGUMENT',
      domain: 'srv6-sfc',
      metadata: { k: 'v' },
      violations: [{ field: 'f', description: 'd' }],
    });
  });

  it('without details (another server, a transport failure) the reason is the code name', () => {
    expect(decodeRpcError(serviceError(status.UNAVAILABLE, 'No connection established'))).toMatchObject({
      code: status.UNAVAILABLE,
      reason: 'UNAVAILABLE',
      domain: '',
      violations: [],
      message: 'No connection established',
    });
  });

  it('ignores undecodable details', () => {
    const md = new Metadata();
    md.set(STATUS_DETAILS_KEY, Buffer.from([0xff, 0xff, 0xff]));
    expect(decodeRpcError(serviceError(status.ABORTED, 'x', md))).toMatchObject({ codeName: 'ABORTED', reason: 'ABORTED' });
  });

  it('anything that is not a ServiceError reads as UNKNOWN', () => {
    expect(decodeRpcError(new Error('boom'))).toMatchObject({ code: status.UNKNOWN, message: 'boom' });
    expect(decodeRpcError('boom')).toMatchObject({ code: status.UNKNOWN, message: 'boom' });
  });
});
