/**
 * Reads the chain documents of `-f` (files, directories, or `-` for stdin) and checks them all
 * locally before anything is sent: any error anywhere → every error printed with file, document,
 * line and field path, exit 2, no call made. All or nothing, as the chain loader guarantees.
 */
import type { ParsedChain } from '../../chains/chain-document.js';
import { formatDocumentError } from '../../chains/format-error.js';
import { loadChainFiles } from '../../chains/load-chain-files.js';
import { parseChainTexts } from '../../chains/parse-documents.js';
import type { CliContext } from '../context.js';
import { CliError, UsageError } from '../errors.js';
import { ExitCode } from '../exit-codes.js';

export const STDIN = '-';

export async function readChainDocuments(ctx: CliContext, files: readonly string[], recursive: boolean, verb: string): Promise<readonly ParsedChain[]> {
  // Stdin alone: mixed with files, names duplicated between the two could not be checked together.
  if (files.includes(STDIN) && files.length > 1) throw new UsageError(['-f - (stdin) cannot be combined with other -f'], verb);
  const parsed = files[0] === STDIN ? parseChainTexts([{ file: '<stdin>', text: await ctx.readStdin() }]) : await loadChainFiles(files, { recursive });
  if (parsed.errors.length > 0) {
    const n = parsed.errors.length;
    throw new CliError(ExitCode.INVALID, `${n} error${n > 1 ? 's' : ''} in the chain documents; nothing was ${verb === 'diff' ? 'compared' : 'applied'}`, parsed.errors.map(formatDocumentError));
  }
  return parsed.chains;
}

/** What ApplyChain sends of a parsed chain: its declaration, not where it came from. */
export const declaration = (c: ParsedChain) => ({ name: c.name, labels: c.labels, spec: c.spec });
