/**
 * A small getopt: splits argv into positionals and flag values against a list of flag specs.
 * GNU spellings (`--output yaml`, `--output=yaml`, `-o yaml`, `-oyaml`, `--` ends the flags),
 * booleans optionally as `--wait=true|false` (kubectl's spelling). Every problem is collected,
 * with a did-you-mean for misspelt flags, so one run reports them all. Pure.
 */
import { closest } from '../../chains/checks.js';

export interface FlagSpec {
  /** Long name without dashes (`output`). */
  readonly name: string;
  /** One-letter alias without the dash (`o`). */
  readonly short?: string;
  /** What the value is called in help (`FORMAT`); absent for a boolean switch. */
  readonly value?: string;
  /** May be given several times (`-f a -f b`); otherwise the last one wins, as with kubectl. */
  readonly repeatable?: boolean;
  readonly help: string;
}

export interface Scanned {
  readonly positionals: readonly string[];
  /** Values by long name, in the order given. */
  readonly values: ReadonlyMap<string, readonly string[]>;
  /** Boolean switches that are on, by long name. */
  readonly switches: ReadonlySet<string>;
  /** `-h` / `--help` was given. */
  readonly help: boolean;
}

const flagName = (f: FlagSpec): string => `--${f.name}`;

export function scanArgs(argv: readonly string[], flags: readonly FlagSpec[], problems: string[]): Scanned {
  const positionals: string[] = [];
  const values = new Map<string, string[]>();
  const switches = new Set<string>();
  let help = false;
  const byLong = new Map(flags.map((f) => [f.name, f]));
  const byShort = new Map(flags.filter((f) => f.short).map((f) => [f.short!, f]));

  const set = (spec: FlagSpec, value: string | undefined): void => {
    if (spec.value === undefined) {
      if (value === undefined || value === 'true') switches.add(spec.name);
      else if (value === 'false') switches.delete(spec.name);
      else problems.push(`flag ${flagName(spec)} takes no value (or =true, =false), got '${value}'`);
      return;
    }
    if (value === undefined) {
      problems.push(`flag ${flagName(spec)} needs a value (${spec.value})`);
      return;
    }
    values.set(spec.name, spec.repeatable ? [...(values.get(spec.name) ?? []), value] : [value]);
  };

  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (a === '-h' || a === '--help') {
      help = true;
      continue;
    }
    // `-` alone is a value (stdin for -f), never a flag.
    if (!a.startsWith('-') || a === '-') {
      positionals.push(a);
      continue;
    }
    let spec: FlagSpec | undefined;
    let inline: string | undefined;
    if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      const name = eq === -1 ? a.slice(2) : a.slice(2, eq);
      inline = eq === -1 ? undefined : a.slice(eq + 1);
      spec = byLong.get(name);
      if (!spec) {
        const guess = closest(name, byLong.keys());
        problems.push(`unknown flag --${name}${guess ? `; did you mean --${guess}?` : ''}`);
        continue;
      }
    } else {
      spec = byShort.get(a[1]!);
      if (!spec) {
        problems.push(`unknown flag ${a.slice(0, 2)}`);
        continue;
      }
      if (a.length > 2) {
        if (spec.value === undefined) {
          problems.push(`flag -${spec.short} takes no value, got '${a}' (give switches one by one)`);
          continue;
        }
        inline = a.slice(2).replace(/^=/, '');
      }
    }
    if (spec.value !== undefined && inline === undefined) {
      const next = argv[i + 1];
      // A following flag is not a value: `--output --wait` forgot the format.
      if (next !== undefined && (next === '-' || !next.startsWith('-'))) {
        inline = next;
        i++;
      }
    }
    set(spec, inline);
  }
  return { positionals, values, switches, help };
}
