/**
 * The `filter` of ListChains, ListNodes and WatchChains: a small subset of AIP-160 over labels.
 *
 *   filter := [ term { "AND" term } ]
 *   term   := "labels." key "=" value        the label is present and equal
 *           | "labels." key "!=" value       absent, or present and different (as in Kubernetes)
 *           | "labels." key ":" "*"          the label is present (AIP-160's "has")
 *           | "NOT" "labels." key ":" "*"    the label is absent ("-" may stand for "NOT ")
 *   key, value := [A-Za-z0-9._/-]+ | a double-quoted string (`\"` and `\\` escaped)
 *
 * Whitespace around operators and terms is free. E.g. `labels.app=web AND labels.tier!="db"`,
 * `labels.srv6-sfc/role=edge`, `NOT labels.canary:*`. Pure: parse, format, match.
 */
import type { ProtoReader } from '../../../common/grpc/proto-reader.js';

export type LabelRequirement =
  | { readonly key: string; readonly op: 'eq' | 'ne'; readonly value: string }
  | { readonly key: string; readonly op: 'exists' | 'notExists' };

/** Every requirement must hold; empty = everything matches. */
export type LabelFilter = readonly LabelRequirement[];

const BARE = /^[A-Za-z0-9._/-]+$/;
const BARE_CHAR = /[A-Za-z0-9._/-]/;

class FilterSyntaxError extends Error {}

/** A hand-written scanner: the grammar is tiny and the errors can say where. */
class Scanner {
  private pos = 0;
  constructor(private readonly text: string) {}

  private fail(expected: string): never {
    const found = this.pos < this.text.length ? JSON.stringify(this.text.slice(this.pos, this.pos + 12)) : 'the end';
    throw new FilterSyntaxError(`at column ${this.pos + 1}: expected ${expected}, found ${found}`);
  }

  skipSpace(): void {
    while (this.pos < this.text.length && /\s/.test(this.text[this.pos]!)) this.pos++;
  }

  atEnd(): boolean {
    this.skipSpace();
    return this.pos >= this.text.length;
  }

  /** Consumes `word` if it comes next (a keyword must end at a non-word character). */
  accept(word: string, keyword = false): boolean {
    this.skipSpace();
    if (!this.text.startsWith(word, this.pos)) return false;
    const next = this.text[this.pos + word.length];
    if (keyword && next !== undefined && !/\s/.test(next)) return false;
    this.pos += word.length;
    return true;
  }

  expect(word: string, what = JSON.stringify(word)): void {
    if (!this.accept(word)) this.fail(what);
  }

  /** A bare or quoted token (no space skipping inside it). */
  token(what: string): string {
    if (this.text[this.pos] === '"') return this.quoted();
    const start = this.pos;
    while (this.pos < this.text.length && BARE_CHAR.test(this.text[this.pos]!)) this.pos++;
    if (this.pos === start) this.fail(what);
    return this.text.slice(start, this.pos);
  }

  private quoted(): string {
    let out = '';
    for (this.pos++; this.pos < this.text.length; this.pos++) {
      const c = this.text[this.pos]!;
      if (c === '"') {
        this.pos++;
        return out;
      }
      if (c === '\\') {
        const escaped = this.text[++this.pos];
        if (escaped !== '"' && escaped !== '\\') this.fail('\\" or \\\\ after a backslash');
        out += escaped;
      } else out += c;
    }
    return this.fail('a closing quote');
  }

  term(): LabelRequirement {
    const negated = this.accept('NOT', true) || this.accept('-');
    this.expect('labels.', '"labels.<key>"');
    const key = this.token('a label key');
    if (key === '') this.fail('a label key');
    if (this.accept(':')) {
      this.expect('*', '"*" after ":" (only "has" is supported)');
      return { key, op: negated ? 'notExists' : 'exists' };
    }
    if (negated) this.fail('":*" after NOT labels.<key>');
    const op = this.accept('!=') ? 'ne' : this.accept('=') ? 'eq' : this.fail('"=", "!=" or ":*"');
    this.skipSpace();
    return { key, op, value: this.token('a value') };
  }

  filter(): LabelFilter {
    const terms: LabelRequirement[] = [];
    if (this.atEnd()) return terms;
    terms.push(this.term());
    while (!this.atEnd()) {
      if (!this.accept('AND', true)) this.fail('"AND" (OR is not supported)');
      terms.push(this.term());
    }
    return terms;
  }
}

/** Parses a filter; the error message says where it went wrong. */
export function parseLabelFilter(text: string): { readonly filter: LabelFilter } | { readonly error: string } {
  try {
    return { filter: new Scanner(text).filter() };
  } catch (err) {
    if (err instanceof FilterSyntaxError) return { error: err.message };
    throw err;
  }
}

/** A request's `filter` field; a syntax error is a violation on `path` (INVALID_ARGUMENT). */
export function labelFilterFromProto(r: ProtoReader, path: string, text: string): LabelFilter {
  const parsed = parseLabelFilter(text);
  if ('error' in parsed) {
    r.add(path, `is not a valid filter ${parsed.error}`);
    return [];
  }
  return parsed.filter;
}

const quote = (s: string): string => (BARE.test(s) ? s : `"${s.replace(/[\\"]/g, (c) => `\\${c}`)}"`);

/** The canonical text of a filter (what parseLabelFilter reads back to the same requirements). */
export function formatLabelFilter(filter: LabelFilter): string {
  return filter
    .map((t) => {
      const key = `labels.${quote(t.key)}`;
      switch (t.op) {
        case 'eq':
          return `${key}=${quote(t.value)}`;
        case 'ne':
          return `${key}!=${quote(t.value)}`;
        case 'exists':
          return `${key}:*`;
        case 'notExists':
          return `NOT ${key}:*`;
      }
    })
    .join(' AND ');
}

/** Whether labels satisfy every requirement of the filter. */
export function matchesLabels(filter: LabelFilter, labels: Readonly<Record<string, string>>): boolean {
  return filter.every((t) => {
    const has = Object.hasOwn(labels, t.key);
    switch (t.op) {
      case 'eq':
        return has && labels[t.key] === t.value;
      case 'ne':
        return !has || labels[t.key] !== t.value;
      case 'exists':
        return has;
      case 'notExists':
        return !has;
    }
  });
}
