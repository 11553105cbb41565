/**
 * kubectl's label selector syntax (`-l app=web,tier!=db,canary,!legacy`) → the API's label filter
 * (LabelFilter; the client sends its canonical text, `labels.app=web AND ...`). Users know the
 * kubectl spelling; the API's AIP-160 subset is what travels. Set-based forms (`in`, `notin`)
 * need OR, which the API does not have, so they are refused rather than approximated. Pure.
 */
import type { LabelFilter, LabelRequirement } from '../../controller/grpc/codecs/label-filter.js';

const KEY = /^[A-Za-z0-9._/-]+$/;
const VALUE = /^[A-Za-z0-9._/-]*$/;

function requirement(term: string): LabelRequirement | string {
  const t = term.trim();
  if (t === '') return 'an empty requirement (two commas, or a trailing one)';
  let m = /^!\s*(.+)$/.exec(t);
  if (m) return KEY.test(m[1]!) ? { key: m[1]!, op: 'notExists' } : `'${t}': '${m[1]}' is not a label key`;
  m = /^([^=!]+?)\s*(!=|==|=)\s*(.*)$/.exec(t);
  if (!m) return KEY.test(t) ? { key: t, op: 'exists' } : `'${t}' is not key, !key, key=value or key!=value`;
  const [, key, op, value] = m as unknown as [string, string, string, string];
  if (!KEY.test(key)) return `'${t}': '${key}' is not a label key (letters, digits, '.', '_', '/', '-')`;
  if (!VALUE.test(value)) return `'${t}': '${value}' is not a label value (letters, digits, '.', '_', '/', '-')`;
  return { key, op: op === '!=' ? 'ne' : 'eq', value };
}

/** Every requirement of a selector, or every problem with it. */
export function parseSelector(text: string): { readonly filter: LabelFilter } | { readonly errors: readonly string[] } {
  // `env in (a,b)` holds a comma of its own: recognise the form before splitting.
  if (/[()]/.test(text)) return { errors: [`'${text}': set-based requirements (in, notin) are not supported; the API filter has no OR`] };
  const filter: LabelRequirement[] = [];
  const errors: string[] = [];
  for (const term of text.split(',')) {
    const r = requirement(term);
    if (typeof r === 'string') errors.push(r);
    else filter.push(r);
  }
  return errors.length > 0 ? { errors } : { filter };
}
