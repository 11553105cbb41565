/** A valid chain document as data, and helpers to break one field and read the errors back. */
import { expect } from 'vitest';
import { stringify } from 'yaml';
import { parseChainDocuments } from '../../../src/chains/parse-documents.js';

export const validDocument = () => ({
  apiVersion: 'srv6-sfc/v1alpha1',
  kind: 'ServiceChain',
  metadata: { name: 'web', labels: { app: 'web' } },
  spec: {
    ingress: { node: 'edge1', match: { destinations: ['10.2.0.0/24', '2001:db8:2::/64'] } },
    egress: { node: 'edge2' },
    functions: [
      { name: 'fw', type: 'firewall', config: { rules: [{ action: 'drop', protocol: 'tcp', dstPorts: [23] }] }, placement: { node: 'fn1' } },
      { name: 'mon', type: 'monitor', placement: { node: 'fn2' } },
    ],
  },
});

export type Doc = ReturnType<typeof validDocument> & Record<string, unknown>;

/** Parses a document after `edit` changed it; returns `[field, description]` of every error. */
export function errorsAfter(edit: (d: Doc) => void): [string, string][] {
  const d = validDocument() as Doc;
  edit(d);
  const r = parseChainDocuments(stringify(d), 'test.yaml');
  if (r.errors.length > 0) expect(r.chains).toEqual([]);
  return r.errors.map((e) => [e.field, e.description]);
}

/** The fields of the errors only. */
export const fieldsAfter = (edit: (d: Doc) => void): string[] => errorsAfter(edit).map(([f]) => f);
