/**
 * Instance ids: the agent names the instance's namespace after it (`sfc-<node>.<id>`), so it must be
 * short and safe: `[a-z0-9-]{1,24}`, starting and ending with a letter or digit. Readable when it
 * fits (`web-fw`); otherwise a prefix plus a stable hash of the owner, so the same chain and function
 * always ask for the same id.
 */
import { createHash } from 'node:crypto';

export const INSTANCE_ID = /^[a-z0-9]([a-z0-9-]{0,22}[a-z0-9])?$/;
const MAX = 24;
const HASH = 6;

const sanitize = (s: string): string =>
  s
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/-{2,}/g, '-')
    .replace(/^-+|-+$/g, '');

const shortHash = (text: string): string => createHash('sha256').update(text).digest('hex').slice(0, HASH);

/**
 * The id for `chain`'s function `fn` that `taken` does not refuse. Candidates, in order:
 * `<chain>-<fn>` when valid, then `<prefix>-<hash>` with the hash salted by the attempt — the
 * second also separates look-alikes (`a-b` + `c` and `a` + `b-c` both read `a-b-c`).
 */
export function instanceId(chain: string, fn: string, taken: (id: string) => boolean): string {
  const base = sanitize(`${chain}-${fn}`) || 'instance';
  if (base.length <= MAX && INSTANCE_ID.test(base) && !taken(base)) return base;
  const prefix = base.slice(0, MAX - HASH - 1).replace(/-+$/, '');
  for (let attempt = 0; ; attempt++) {
    const h = shortHash(`${chain}/${fn}${attempt === 0 ? '' : `#${attempt}`}`);
    const id = prefix === '' ? h : `${prefix}-${h}`;
    if (!taken(id)) return id;
  }
}
