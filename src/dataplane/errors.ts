/**
 * The one error type every Dataplane (kernel or fake) raises for a refused operation: the errno the
 * kernel answered, the operation, and the object it was about — parsed once, here, instead of
 * matching 'Request rejected: EEXIST' strings everywhere.
 */
import { constants } from 'node:os';

const NAME_BY_ERRNO = new Map<number, string>(Object.entries(constants.errno).map(([k, v]) => [v, k]));

export const errnoName = (errno: number): string => NAME_BY_ERRNO.get(errno) ?? `errno ${errno}`;
export const ERRNO = constants.errno;

export class NetlinkError extends Error {
  readonly code: string;

  constructor(
    readonly errno: number,
    readonly operation: string,
    readonly object: string,
    detail?: string,
  ) {
    super(`${operation} ${object}: ${errnoName(errno)}${detail ? ` (${detail})` : ''}`);
    this.name = 'NetlinkError';
    this.code = errnoName(errno);
  }

  /** Deleting what is not there: ESRCH for routes, ENOENT for nexthops and rules. */
  get missing(): boolean {
    return this.errno === ERRNO.ESRCH || this.errno === ERRNO.ENOENT;
  }

  get exists(): boolean {
    return this.errno === ERRNO.EEXIST;
  }

  /** Per-CPU allocation failures under bulk load: worth retrying. */
  get transient(): boolean {
    return this.errno === ERRNO.ENOMEM || this.errno === ERRNO.ENOBUFS || this.errno === ERRNO.EBUSY;
  }
}
