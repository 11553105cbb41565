/** What srv6-sfc owns in a test namespace (protocol 200), read with iproute2. */
import { execFileSync } from 'node:child_process';

export const show = (ns: string, args: string[]): string => execFileSync('ip', ['-n', ns, ...args], { encoding: 'utf8' }).trim();

/** Our policy rules (iproute2 6.1 does not filter `ip rule show` by protocol). */
export const ownedRules = (ns: string, family: '-4' | '-6'): string =>
  show(ns, [family, 'rule', 'show'])
    .split('\n')
    .filter((l) => / proto 200\b/.test(l))
    .join('\n');

/** Routes and rules of both families and nexthops with protocol 200; '' when there are none. */
export function ownedState(ns: string): string {
  return [
    show(ns, ['-4', 'route', 'show', 'table', 'all', 'proto', '200']),
    show(ns, ['-6', 'route', 'show', 'table', 'all', 'proto', '200']),
    ownedRules(ns, '-4'),
    ownedRules(ns, '-6'),
    show(ns, ['nexthop', 'list', 'protocol', '200']),
  ]
    .filter((s) => s !== '')
    .join('\n');
}
