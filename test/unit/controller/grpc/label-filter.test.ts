import { describe, expect, it } from 'vitest';
import { type LabelFilter, formatLabelFilter, matchesLabels, parseLabelFilter } from '../../../../src/controller/grpc/codecs/label-filter.js';

const parse = (text: string): LabelFilter => {
  const p = parseLabelFilter(text);
  if ('error' in p) throw new Error(p.error);
  return p.filter;
};
const error = (text: string): string => {
  const p = parseLabelFilter(text);
  return 'error' in p ? p.error : 'parsed';
};

describe('label filter', () => {
  it('parses every operator, quoting, free spacing, and keys with dots and slashes', () => {
    expect(parse('')).toEqual([]);
    expect(parse('   ')).toEqual([]);
    expect(parse('labels.app=web')).toEqual([{ key: 'app', op: 'eq', value: 'web' }]);
    expect(parse(' labels.app.kubernetes.io/name = "my \\"web\\" app"  AND labels.tier != db AND labels.x:* AND NOT labels.canary : * AND -labels.old:*')).toEqual([
      { key: 'app.kubernetes.io/name', op: 'eq', value: 'my "web" app' },
      { key: 'tier', op: 'ne', value: 'db' },
      { key: 'x', op: 'exists' },
      { key: 'canary', op: 'notExists' },
      { key: 'old', op: 'notExists' },
    ]);
    expect(parse('labels."odd key"=""')).toEqual([{ key: 'odd key', op: 'eq', value: '' }]);
  });

  it('says where a filter goes wrong', () => {
    expect(error('app=web')).toBe('at column 1: expected "labels.<key>", found "app=web"');
    expect(error('labels.app')).toBe('at column 11: expected "=", "!=" or ":*", found the end');
    expect(error('labels.app=')).toBe('at column 12: expected a value, found the end');
    expect(error('labels.app:web')).toBe('at column 12: expected "*" after ":" (only "has" is supported), found "web"');
    expect(error('NOT labels.app=web')).toBe('at column 15: expected ":*" after NOT labels.<key>, found "=web"');
    expect(error('labels.a=b labels.c=d')).toBe('at column 12: expected "AND" (OR is not supported), found "labels.c=d"');
    expect(error('labels.a="b')).toBe('at column 12: expected a closing quote, found the end');
    expect(error('labels.a="\\n"')).toBe('at column 12: expected \\" or \\\\ after a backslash, found "n\\""');
    expect(error('labels.""=x')).toBe('at column 10: expected a label key, found "=x"');
  });

  it('formats canonically, and what it formats parses back', () => {
    const filter: LabelFilter = [
      { key: 'srv6-sfc/role', op: 'eq', value: 'edge' },
      { key: 'odd key', op: 'ne', value: 'a "b"' },
      { key: 'x', op: 'exists' },
      { key: 'y', op: 'notExists' },
    ];
    const text = formatLabelFilter(filter);
    expect(text).toBe('labels.srv6-sfc/role=edge AND labels."odd key"!="a \\"b\\"" AND labels.x:* AND NOT labels.y:*');
    expect(parse(text)).toEqual(filter);
    expect(formatLabelFilter([])).toBe('');
  });

  it('matches labels: != also matches an absent label', () => {
    const labels = { app: 'web', tier: 'front' };
    expect(matchesLabels([], labels)).toBe(true);
    expect(matchesLabels(parse('labels.app=web AND labels.tier:*'), labels)).toBe(true);
    expect(matchesLabels(parse('labels.app=db'), labels)).toBe(false);
    expect(matchesLabels(parse('labels.app!=web'), labels)).toBe(false);
    expect(matchesLabels(parse('labels.zone!=a'), labels)).toBe(true);
    expect(matchesLabels(parse('NOT labels.tier:*'), labels)).toBe(false);
    expect(matchesLabels(parse('labels.toString:*'), labels)).toBe(false);
  });
});
