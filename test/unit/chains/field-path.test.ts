/** Field paths and the positions they resolve to. */
import { LineCounter, parseDocument } from 'yaml';
import { describe, expect, it } from 'vitest';
import { fieldPath, itemPath, parentPath } from '../../../src/chains/field-path.js';
import { formatDocumentError } from '../../../src/chains/format-error.js';
import { locate, sourcePositions } from '../../../src/chains/source-positions.js';

describe('field paths', () => {
  it('joins identifiers with dots and brackets the other keys', () => {
    expect(fieldPath('', 'spec')).toBe('spec');
    expect(itemPath(fieldPath('spec', 'functions'), 2)).toBe('spec.functions[2]');
    expect(fieldPath('metadata.labels', 'srv6-sfc/role')).toBe('metadata.labels["srv6-sfc/role"]');
    expect(fieldPath('', 'a b')).toBe('["a b"]');
  });

  it('walks up one segment at a time', () => {
    expect(parentPath('spec.functions[2].placement.node')).toBe('spec.functions[2].placement');
    expect(parentPath('spec.functions[2]')).toBe('spec.functions');
    expect(parentPath('metadata.labels["a.b/c"]')).toBe('metadata.labels');
    expect(parentPath('spec')).toBe('');
    expect(parentPath('')).toBe('');
  });
});

describe('source positions', () => {
  const text = `spec:\n  functions:\n    - name: a\n      placement: {node: fn1}\n  labels: {"x/y": z}\n`;
  const lines = new LineCounter();
  const positions = sourcePositions(parseDocument(text, { lineCounter: lines }).contents, lines);

  it('puts fields at their key and list items at their first character', () => {
    expect(positions.get('spec.functions')).toEqual({ line: 2, column: 3 });
    expect(positions.get('spec.functions[0]')).toEqual({ line: 3, column: 7 });
    expect(positions.get('spec.functions[0].placement.node')).toEqual({ line: 4, column: 19 });
    expect(positions.get('spec.labels["x/y"]')).toEqual({ line: 5, column: 12 });
  });

  it('locates a missing field at its nearest ancestor in the file', () => {
    expect(locate(positions, 'spec.functions[0].type')).toEqual({ line: 3, column: 7 });
    expect(locate(positions, 'spec.functions[0].config.rules[3].action')).toEqual({ line: 3, column: 7 });
  });
});

describe('formatDocumentError', () => {
  it('prints file#document:line:column: path: problem, leaving out what is unknown', () => {
    expect(formatDocumentError({ file: 'chains/web.yaml', document: 2, line: 14, column: 13, field: 'spec.functions[0].type', description: 'bad' })).toBe(
      'chains/web.yaml#2:14:13: spec.functions[0].type: bad',
    );
    expect(formatDocumentError({ file: 'chains/web.yaml', document: 2, field: 'spec', description: 'bad' })).toBe('chains/web.yaml#2: spec: bad');
    expect(formatDocumentError({ file: 'x.yaml', field: '', description: 'contains no chain document' })).toBe('x.yaml: contains no chain document');
    expect(formatDocumentError({ chain: 'web', field: 'spec.ingress.node', description: "unknown node 'x'" })).toBe("chains/web: spec.ingress.node: unknown node 'x'");
  });
});
