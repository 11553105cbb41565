/** Policy rules: fib_rule_hdr + FRA_* attributes, decode of our own requests, `ip rule` text. */
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError, Violations } from '../../../src/common/errors.js';
import { encodeAttrs, parseAttrs, readString, readU32, readU8 } from '../../../src/dataplane/seg6/attrs.js';
import * as K from '../../../src/dataplane/seg6/constants.js';
import { encodeRequest, parseMessages } from '../../../src/dataplane/seg6/message.js';
import { type Rule, checkRule, decodeRule, formatRule, normalizeRule, ruleKey, ruleRequest, rulesEqual, validateRule } from '../../../src/dataplane/seg6/rule.js';

function wire(verb: 'add' | 'delete', r: Rule) {
  const [m] = parseMessages(encodeRequest(ruleRequest(verb, r), 9));
  return { m: m!, attrs: parseAttrs(m!.body, 12) };
}

const FULL: Rule = {
  family: 4,
  priority: 100,
  table: 100,
  src: '10.0.0.0/8',
  dst: '10.1.0.0/16',
  iif: 'd0',
  ipproto: 6,
  sport: { start: 1000, end: 2000 },
  dport: { start: 80, end: 80 },
  fwmark: 0x10,
  fwmask: 0xff,
  protocol: 200,
};

describe('ruleRequest', () => {
  it('add = NEWRULE CREATE|EXCL, delete = DELRULE', () => {
    expect([wire('add', FULL).m.type, wire('add', FULL).m.flags]).toEqual([K.RTM_NEWRULE, 0x01 | 0x400 | 0x200]);
    expect([wire('delete', FULL).m.type, wire('delete', FULL).m.flags]).toEqual([K.RTM_DELRULE, 0x01]);
  });

  it('fib_rule_hdr: family, dst_len, src_len, table, action FR_ACT_TO_TBL', () => {
    expect([...wire('add', FULL).m.body.subarray(0, 12)]).toEqual([K.AF_INET, 16, 8, 0, 100, 0, 0, K.FR_ACT_TO_TBL, 0, 0, 0, 0]);
  });

  it('attributes: host-order port ranges, u8 ipproto and protocol, NUL-terminated iif', () => {
    const { attrs } = wire('add', FULL);
    expect(readU32(attrs.get(K.FRA_PRIORITY))).toBe(100);
    expect(attrs.get(K.FRA_SRC)!.toString('hex')).toBe('0a000000');
    expect(attrs.get(K.FRA_DST)!.toString('hex')).toBe('0a010000');
    expect(attrs.get(K.FRA_IIFNAME)!.toString('latin1')).toBe('d0\0');
    expect(readString(attrs.get(K.FRA_IIFNAME))).toBe('d0');
    expect(readU8(attrs.get(K.FRA_IP_PROTO))).toBe(6);
    expect(attrs.get(K.FRA_SPORT_RANGE)!.toString('hex')).toBe('e803' + 'd007');
    expect(attrs.get(K.FRA_DPORT_RANGE)!.toString('hex')).toBe('5000' + '5000');
    expect(readU32(attrs.get(K.FRA_FWMARK))).toBe(0x10);
    expect(readU32(attrs.get(K.FRA_FWMASK))).toBe(0xff);
    expect(readU8(attrs.get(K.FRA_PROTOCOL))).toBe(200);
  });

  it('tables above 255: header byte RT_TABLE_UNSPEC, the id in FRA_TABLE', () => {
    const { m, attrs } = wire('add', { family: 6, priority: 5, table: 100000 });
    expect(m.body[4]).toBe(0);
    expect(readU32(attrs.get(K.FRA_TABLE))).toBe(100000);
  });

  it('a mark without a mask is an exact match: FRA_FWMASK 0xffffffff is sent (the kernel implies it only for non-zero marks)', () => {
    expect(readU32(wire('add', { family: 4, priority: 1, table: 1, fwmark: 0 }).attrs.get(K.FRA_FWMASK))).toBe(0xffffffff);
    expect(readU32(wire('add', { family: 4, priority: 1, table: 1, fwmark: 5 }).attrs.get(K.FRA_FWMASK))).toBe(0xffffffff);
    expect(wire('add', { family: 4, priority: 1, table: 1 }).attrs.has(K.FRA_FWMASK)).toBe(false);
  });
});

describe('decodeRule', () => {
  const CASES: [string, Rule][] = [
    ['everything', FULL],
    ['IPv6 src and oif', { family: 6, priority: 7, table: 1000, src: 'FC00:1::/64', oif: 'd1', protocol: 200 }],
    ['iif only', { family: 4, priority: 32000, table: 254, iif: 'leg0' }],
    ['fwmark without mask', { family: 4, priority: 1, table: 1, fwmark: 5 }],
    ['fwmark 0 without mask', { family: 4, priority: 1, table: 1, fwmark: 0 }],
    ['udp single port', { family: 6, priority: 2, table: 3, ipproto: 17, dport: { start: 53, end: 53 } }],
  ];
  for (const [name, r] of CASES) {
    it(name, () => {
      const d = decodeRule(wire('add', r).m.body)!;
      expect(d).toEqual(normalizeRule(r));
      expect(rulesEqual(d, r)).toBe(true);
    });
  }

  it('as the kernel dumps `fwmark 0/0xff`: FRA_FWMASK without FRA_FWMARK', () => {
    const hdr = Buffer.from([K.AF_INET, 0, 0, 0, 100, 0, 0, K.FR_ACT_TO_TBL, 0, 0, 0, 0]);
    const u32 = (type: number, v: number) => {
      const b = Buffer.alloc(4);
      b.writeUInt32LE(v);
      return { type, payload: b };
    };
    const body = Buffer.concat([hdr, encodeAttrs([u32(K.FRA_TABLE, 100), u32(K.FRA_PRIORITY, 101), u32(K.FRA_FWMASK, 0xff)])]);
    const d = decodeRule(body)!;
    expect(d).toEqual({ family: 4, priority: 101, table: 100, fwmark: 0, fwmask: 0xff, protocol: 0 });
    expect(rulesEqual(d, { family: 4, priority: 101, table: 100, fwmark: 0, fwmask: 0xff })).toBe(true);
    expect(formatRule(d)).toBe('101:\tfrom all fwmark 0/0xff lookup 100');
  });

  it('priority 0 is omitted by the kernel; other actions are not ours', () => {
    const hdr = Buffer.from([K.AF_INET, 0, 0, 0, 255, 0, 0, K.FR_ACT_TO_TBL, 0, 0, 0, 0]);
    expect(decodeRule(hdr)).toEqual({ family: 4, priority: 0, table: 255, protocol: 0 });
    const goto = Buffer.from(hdr);
    goto[7] = 2; // FR_ACT_GOTO
    expect(decodeRule(goto)).toBeUndefined();
    const fam = Buffer.from(hdr);
    fam[0] = 7;
    expect(decodeRule(fam)).toBeUndefined();
    expect(() => decodeRule(Buffer.alloc(4))).toThrow(/short fib_rule_hdr/);
  });
});

describe('formatRule (iproute2 6.1 `ip rule show`)', () => {
  it('every selector', () => {
    expect(formatRule(FULL)).toBe('100:\tfrom 10.0.0.0/8 to 10.1.0.0/16 fwmark 0x10/0xff iif d0 ipproto tcp sport 1000-2000 dport 80 lookup 100 proto 200');
  });

  it('defaults and names', () => {
    expect(formatRule({ family: 6, priority: 32766, table: 254 })).toBe('32766:\tfrom all lookup main');
    expect(formatRule({ family: 4, priority: 104, table: 1000, protocol: 200 })).toBe('104:\tfrom all lookup 1000 proto 200');
    expect(formatRule({ family: 4, priority: 103, table: 100, src: '10.0.0.5/8', protocol: 200 })).toBe('103:\tfrom 10.0.0.5/8 lookup 100 proto 200');
    expect(formatRule({ family: 4, priority: 1, table: 1, fwmark: 0 })).toBe('1:\tfrom all fwmark 0 lookup 1');
    expect(formatRule({ family: 4, priority: 1, table: 1, fwmark: 5, fwmask: 0xffffffff })).toBe('1:\tfrom all fwmark 0x5 lookup 1');
    expect(formatRule({ family: 4, priority: 1, table: 1, src: '10.0.0.1/32', oif: 'd1', ipproto: 99 })).toBe('1:\tfrom 10.0.0.1 oif d1 ipproto 99 lookup 1');
  });
});

describe('rule identity', () => {
  it('normalizeRule: canonical prefixes, protocol 0 default, full masks dropped, fwmark 0/0 dropped', () => {
    expect(normalizeRule({ family: 6, priority: 1, table: 1, src: 'FC00:1:0::/64', fwmark: 1, fwmask: 0xffffffff })).toEqual({
      family: 6,
      priority: 1,
      table: 1,
      src: 'fc00:1::/64',
      fwmark: 1,
      protocol: 0,
    });
    expect(normalizeRule({ family: 4, priority: 1, table: 1, fwmark: 0, fwmask: 0 })).toEqual({ family: 4, priority: 1, table: 1, protocol: 0 });
  });

  it('ruleKey is the whole rule (the kernel matches deletes on every selector)', () => {
    expect(ruleKey(FULL)).toBe(ruleKey({ ...FULL, src: '10.0.0.0/8' }));
    expect(ruleKey(FULL)).not.toBe(ruleKey({ ...FULL, dport: { start: 81, end: 81 } }));
  });
});

describe('validateRule', () => {
  const fields = (r: unknown) => {
    const v = new Violations();
    validateRule(r as Rule, v);
    return v.list.map((x) => x.field);
  };

  it('accepts a good rule', () => {
    expect(fields(FULL)).toEqual([]);
  });

  it('sport or dport without ipproto', () => {
    expect(fields({ family: 4, priority: 1, table: 1, sport: { start: 1, end: 2 } })).toEqual(['rule.sport']);
    expect(fields({ family: 4, priority: 1, table: 1, dport: { start: 80, end: 80 } })).toEqual(['rule.dport']);
  });

  it('bad ranges, prefixes, names, marks — all at once', () => {
    expect(
      fields({
        family: 4,
        priority: -1,
        table: 0,
        src: 'fc00::/64',
        dst: '10.0.0.0/40',
        iif: '',
        oif: 'x'.repeat(16),
        ipproto: 256,
        sport: { start: 2, end: 1 },
        dport: { start: 0, end: 65536 },
        fwmask: 1,
        protocol: 256,
      }),
    ).toEqual(['rule.priority', 'rule.table', 'rule.src', 'rule.dst', 'rule.iif', 'rule.oif', 'rule.ipproto', 'rule.sport', 'rule.dport', 'rule.fwmask', 'rule.protocol']);
    expect(fields({ family: 5, priority: 1, table: 2 ** 32 })).toEqual(['rule.family', 'rule.table']);
  });

  it('checkRule throws InvalidArgumentError', () => {
    expect(() => checkRule({ family: 4, priority: 1, table: 1, sport: { start: 1, end: 2 } })).toThrow(InvalidArgumentError);
  });
});
