/**
 * One domain value ↔ proto enum name table, written once as `Record<DomainValue, ProtoName>` so
 * the compiler proves every domain value has a name; the reverse direction is derived.
 */
export class EnumTable<D extends string | number, P extends string> {
  /** Proto name → domain value (for ProtoReader.enumValue). */
  readonly fromProto: Readonly<Record<string, D>>;

  constructor(
    private readonly names: Readonly<Record<D, P>>,
    /** Object keys are strings: how to get a numeric domain value back (e.g. `Number`). */
    key: (k: string) => D = (k) => k as D,
  ) {
    this.fromProto = Object.fromEntries(Object.entries(names).map(([k, p]) => [p as string, key(k)]));
  }

  toProto(value: D): P {
    return this.names[value];
  }
}
