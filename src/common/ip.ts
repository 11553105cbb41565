/**
 * Fast, strict IP address codecs for the dataplane hot paths (100k-route encodes and dumps).
 * Text output follows glibc inet_ntop, which is what iproute2 prints, so our formatting matches `ip`.
 */

export class AddressParseError extends Error {}

const HEX = /^[0-9a-fA-F]{1,4}$/;

export function parseIPv4(text: string): Buffer {
  const parts = text.split('.');
  if (parts.length !== 4) throw new AddressParseError(`'${text}' is not an IPv4 address`);
  const out = Buffer.alloc(4);
  for (let i = 0; i < 4; i++) {
    const p = parts[i]!;
    // Decimal octets only, without leading zeros: inet_pton rejects '010', and iproute2's own parser
    // (strtoul base 0) would read it as octal 8, so the text is ambiguous.
    if (!/^(0|[1-9]\d{0,2})$/.test(p) || Number(p) > 255) throw new AddressParseError(`'${text}' is not an IPv4 address`);
    out[i] = Number(p);
  }
  return out;
}

export function formatIPv4(b: Uint8Array, off = 0): string {
  return `${b[off]}.${b[off + 1]}.${b[off + 2]}.${b[off + 3]}`;
}

const WORDS = new Uint16Array(8);

/**
 * Hot path for the 100k-object loops (validate + encode): plain IPv6 text in text[0, end) — hex
 * groups, at most one '::', no dotted-quad tail — scanned without regexes, splits or closures.
 * Anything else returns undefined and the strict parser below decides (it owns every error
 * message); whatever this accepts, the strict parser accepts with the same bytes.
 */
function scanIPv6(text: string, end: number): Buffer | undefined {
  const bytes = Buffer.allocUnsafe(16); // every byte is written when the scan succeeds
  return scanIPv6Into(text, end, bytes, 0) ? bytes : undefined;
}

/** The scan itself, writing the 16 bytes at out[off] (no allocation); false = not plain text. */
function scanIPv6Into(text: string, end: number, out: Uint8Array, off: number): boolean {
  if (end < 2 || end > 45) return false;
  let i = 0;
  let n = 0;
  let gap = -1;
  if (text.charCodeAt(0) === 58 /* ':' */) {
    if (text.charCodeAt(1) !== 58) return false;
    gap = 0;
    i = 2;
  }
  while (i < end) {
    let w = 0;
    let digits = 0;
    while (i < end && digits < 5) {
      const c = text.charCodeAt(i);
      let h: number;
      if (c >= 48 && c <= 57) h = c - 48;
      else if ((c | 32) >= 97 && (c | 32) <= 102) h = (c | 32) - 87;
      else break;
      w = w * 16 + h;
      digits++;
      i++;
    }
    if (digits === 0 || digits > 4 || n === 8) return false;
    WORDS[n++] = w;
    if (i === end) break;
    if (text.charCodeAt(i) !== 58) return false; // '.', '%', anything else: the strict parser decides
    i++;
    if (i < end && text.charCodeAt(i) === 58) {
      if (gap !== -1) return false;
      gap = n;
      i++;
    } else if (i === end) return false; // a single trailing ':'
  }
  if (gap === -1 ? n !== 8 : n > 7) return false;
  const head = gap === -1 ? 8 : gap;
  const tail = n - head;
  for (let k = 0; k < 8; k++) {
    const w = k < head ? WORDS[k]! : k >= 8 - tail ? WORDS[head + k - (8 - tail)]! : 0;
    out[off + 2 * k] = w >>> 8;
    out[off + 2 * k + 1] = w & 0xff;
  }
  return true;
}

/** Writes the 16 bytes of an IPv6 address at buf[off] (encoders' hot path: no allocation). */
export function writeIPv6(text: string, buf: Uint8Array, off: number): void {
  if (!scanIPv6Into(text, text.length, buf, off)) buf.set(parseIPv6Strict(text), off);
}

export function parseIPv6(text: string): Buffer {
  return scanIPv6(text, text.length) ?? parseIPv6Strict(text);
}

const SCRATCH = new Uint8Array(16);

/** Throws AddressParseError unless text is an IPv6 address (validators' hot path: no allocation). */
export function assertIPv6(text: string): void {
  if (!scanIPv6Into(text, text.length, SCRATCH, 0)) parseIPv6Strict(text);
}

function parseIPv6Strict(text: string): Buffer {
  const fail = (): never => {
    throw new AddressParseError(`'${text}' is not an IPv6 address`);
  };
  if (text.length < 2 || text.length > 45) fail();
  const out = Buffer.alloc(16);
  const halves = text.split('::');
  if (halves.length > 2) fail();
  const groups = (s: string, last: boolean): number[] => {
    if (s === '') return [];
    const words: number[] = [];
    const parts = s.split(':');
    for (let i = 0; i < parts.length; i++) {
      const p = parts[i]!;
      // A dotted-quad tail is only legal as the last 32 bits of the whole text (not before '::').
      if (last && i === parts.length - 1 && p.includes('.')) {
        const v4 = parseIPv4(p);
        words.push((v4[0]! << 8) | v4[1]!, (v4[2]! << 8) | v4[3]!);
      } else {
        if (!HEX.test(p)) fail();
        words.push(parseInt(p, 16));
      }
    }
    return words;
  };
  let head: number[];
  let tail: number[] = [];
  try {
    head = groups(halves[0]!, halves.length === 1);
    if (halves.length === 2) tail = groups(halves[1]!, true);
  } catch {
    return fail();
  }
  if (halves.length === 1 && head.length !== 8) fail();
  if (halves.length === 2 && head.length + tail.length > 7) fail();
  head.forEach((w, i) => out.writeUInt16BE(w, i * 2));
  tail.forEach((w, i) => out.writeUInt16BE(w, 16 - (tail.length - i) * 2));
  return out;
}

/** glibc inet_ntop: longest run (>= 2) of zero words becomes '::' (first on a tie); mapped/compat IPv4 tails. */
export function formatIPv6(b: Uint8Array, off = 0): string {
  const w = new Array<number>(8);
  for (let i = 0; i < 8; i++) w[i] = (b[off + 2 * i]! << 8) | b[off + 2 * i + 1]!;
  let bestBase = -1;
  let bestLen = 0;
  let curBase = -1;
  let curLen = 0;
  for (let i = 0; i < 8; i++) {
    if (w[i] === 0) {
      if (curBase === -1) {
        curBase = i;
        curLen = 1;
      } else curLen++;
      if (curLen > bestLen) {
        bestBase = curBase;
        bestLen = curLen;
      }
    } else curBase = -1;
  }
  if (bestLen < 2) bestBase = -1;
  let s = '';
  for (let i = 0; i < 8; i++) {
    if (bestBase !== -1 && i >= bestBase && i < bestBase + bestLen) {
      if (i === bestBase) s += ':';
      continue;
    }
    if (i !== 0) s += ':';
    if (i === 6 && bestBase === 0 && (bestLen === 6 || (bestLen === 5 && w[5] === 0xffff))) {
      s += formatIPv4(b, off + 12);
      break;
    }
    s += w[i]!.toString(16);
  }
  if (bestBase !== -1 && bestBase + bestLen === 8) s += ':';
  return s;
}

export type Family = 4 | 6;

export interface Prefix {
  readonly family: Family;
  /** Address bytes (4 or 16), host bits as given. */
  readonly address: string;
  readonly length: number;
}

export function familyOf(address: string): Family {
  return address.includes(':') ? 6 : 4;
}

export function parseAddress(text: string): Buffer {
  return familyOf(text) === 6 ? parseIPv6(text) : parseIPv4(text);
}

export function formatAddress(b: Uint8Array, family: Family, off = 0): string {
  return family === 6 ? formatIPv6(b, off) : formatIPv4(b, off);
}

/** Canonical text form of an address (what the kernel's dump will give back through formatAddress). */
export function canonicalAddress(text: string): string {
  const family = familyOf(text);
  return formatAddress(parseAddress(text), family);
}

/** Parses `addr/len` (or a bare address as a host prefix); throws AddressParseError with the reason. */
export function parsePrefix(text: string): { family: Family; bytes: Buffer; length: number } {
  const slash = text.indexOf('/');
  const end = slash === -1 ? text.length : slash;
  const fast = scanIPv6(text, end);
  const family: Family = fast ? 6 : familyOf(text.slice(0, end));
  const bytes = fast ?? parseAddress(text.slice(0, end));
  const max = family === 6 ? 128 : 32;
  if (slash === -1) return { family, bytes, length: max };
  // Decimal length, 1..3 digits, parsed without regexes or slices (hot path).
  let length = 0;
  const digits = text.length - slash - 1;
  for (let i = slash + 1; i < text.length; i++) {
    const d = text.charCodeAt(i) - 48;
    if (d < 0 || d > 9) length = Infinity;
    else length = length * 10 + d;
  }
  if (digits < 1 || digits > 3 || length > max) throw new AddressParseError(`'${text}' has a bad prefix length (0..${max})`);
  return { family, bytes, length };
}

/** Canonical prefix text as iproute2 prints a route destination: host prefixes without '/len'. */
export function formatPrefix(bytes: Uint8Array, length: number, family: Family): string {
  const addr = formatAddress(bytes, family);
  return length === (family === 6 ? 128 : 32) ? addr : `${addr}/${length}`;
}

export function canonicalPrefix(text: string): string {
  const p = parsePrefix(text);
  return formatPrefix(p.bytes, p.length, p.family);
}
