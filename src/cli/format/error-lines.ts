/** How a CliError is printed on stderr: `error: <message>`, then each detail indented. Pure. */
import { type CliError, UsageError } from '../errors.js';

export function errorText(e: CliError): string {
  const lines = [`error: ${e.message}`, ...e.details.map((d) => `  ${d}`)];
  if (e instanceof UsageError) lines.push(`Run 'sfcctl ${e.command ? `${e.command} ` : ''}--help' for usage.`);
  return `${lines.join('\n')}\n`;
}
