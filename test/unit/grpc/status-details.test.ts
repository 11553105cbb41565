import { status } from '@grpc/grpc-js';
import { describe, expect, it } from 'vitest';
import { decodeStatusDetails, encodeStatusDetails } from '../../../src/common/grpc/status-details.js';

describe('google.rpc.Status details', () => {
  it('round-trips ErrorInfo and BadRequest', () => {
    const d = {
      code: status.INVALID_ARGUMENT,
      message: 'malformed intent: ...',
      errorInfo: { reason: 'INVALID_ARGUMENT', domain: 'srv6-sfc', metadata: { node: 'nodes/edge1' } },
      violations: [
        { field: 'intent.edge_chains[2].segments[0]', description: 'is required' },
        { field: 'intent.generation', description: 'must be an integer' },
      ],
    };
    expect(decodeStatusDetails(encodeStatusDetails(d))).toStrictEqual(d);
  });

  it('writes the standard wire format (any language decodes it with its own google.rpc types)', () => {
    // Status{code: 5, message: "x"}: field 1 varint (08 05), field 2 length-delimited (12 01 78).
    expect(encodeStatusDetails({ code: 5, message: 'x' }).toString('hex')).toBe('0805120178');
    // ...with ErrorInfo{reason: "R", domain: "d"} packed in an Any (field 3): type_url then value.
    const any = encodeStatusDetails({ code: 5, message: '', errorInfo: { reason: 'R', domain: 'd', metadata: {} } });
    const typeUrl = Buffer.from('type.googleapis.com/google.rpc.ErrorInfo');
    const value = Buffer.from('0a01521201' + '64', 'hex'); // reason (1) "R", domain (2) "d"
    const anyBody = Buffer.concat([Buffer.from([0x0a, typeUrl.length]), typeUrl, Buffer.from([0x12, value.length]), value]);
    expect(any.toString('hex')).toBe(Buffer.concat([Buffer.from([0x08, 0x05, 0x1a, anyBody.length]), anyBody]).toString('hex'));
  });

  it('skips detail types it does not know', () => {
    const d = decodeStatusDetails(encodeStatusDetails({ code: 13, message: 'm' }));
    expect(d).toStrictEqual({ code: 13, message: 'm' });
  });
});
