/** `--help` texts, generated from the command table (args/specs.ts). Pure. */
import { formatTable } from './format/table.js';
import type { FlagSpec } from './args/scan.js';
import { COMMANDS, type CommandName, GLOBAL_FLAGS, commandSpec } from './args/specs.js';

const flagRows = (flags: readonly FlagSpec[]): string[][] =>
  flags.map((f) => [`${f.short ? `-${f.short}, ` : '    '}--${f.name}${f.value ? ` ${f.value}` : ''}`, f.help]);

const EXIT_CODES = `Exit codes:
  0  success                          4  --wait timed out before Ready
  1  other failure (controller side)  5  conflict: changed concurrently, or exists (re-read, retry)
  2  usage or invalid input           6  controller unreachable or no answer in time
  3  not found                        130 interrupted`;

export function generalHelp(): string {
  const commands = formatTable(
    [],
    COMMANDS.map((c) => [c.name, c.summary]),
    { indent: 2 },
  );
  return [
    'sfcctl: the srv6-sfc command line; talks gRPC to the controller (sfc-controller).',
    '',
    'Usage: sfcctl [global flags] COMMAND [args] [flags]',
    '',
    'Commands:',
    ...commands,
    '',
    'Global flags:',
    ...formatTable([], [...flagRows(GLOBAL_FLAGS), ['-h, --help', 'help for sfcctl or a command']], { indent: 2 }),
    '',
    'Environment:',
    '  SFC_CONTROLLER   controller address when --controller is not given',
    '',
    EXIT_CODES,
    '',
    "Run 'sfcctl COMMAND --help' for a command's flags and examples. Chain files: docs/chain-reference.md.",
    '',
  ].join('\n');
}

export function commandHelp(name: CommandName): string {
  const c = commandSpec(name);
  const lines = [`sfcctl ${c.name}: ${c.summary}`, '', `Usage: sfcctl ${c.usage}`];
  if (c.description) lines.push('', c.description);
  if (c.flags.length > 0) lines.push('', 'Flags:', ...formatTable([], flagRows(c.flags), { indent: 2 }));
  lines.push('', 'Global flags:', ...formatTable([], flagRows(GLOBAL_FLAGS), { indent: 2 }));
  if (c.examples.length > 0) lines.push('', 'Examples:', ...c.examples.map((e) => `  ${e}`));
  lines.push('', EXIT_CODES, '');
  return lines.join('\n');
}
