/**
 * Domain errors. Every error the product raises on purpose carries a machine-readable `reason`
 * (UPPER_SNAKE_CASE, what clients switch on) so the gRPC layer can map it without string matching.
 */
export interface FieldViolation {
  /** Path of the offending field, e.g. `behavior.nh4` or `spec.functions[2].node`. */
  readonly field: string;
  readonly description: string;
}

export class DomainError extends Error {
  constructor(
    readonly reason: string,
    message: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** Bad input: reports every violation found, each with its field path. */
export class InvalidArgumentError extends DomainError {
  constructor(
    readonly violations: readonly FieldViolation[],
    what = 'invalid object',
  ) {
    super('INVALID_ARGUMENT', `${what}: ${violations.map((v) => `${v.field}: ${v.description}`).join('; ')}`);
  }
}

/** Collects field violations so a validator can report all of them at once. */
export class Violations {
  readonly list: FieldViolation[] = [];

  add(field: string, description: string): void {
    this.list.push({ field, description });
  }

  throwIfAny(what?: string): void {
    if (this.list.length > 0) throw new InvalidArgumentError(this.list, what);
  }
}
