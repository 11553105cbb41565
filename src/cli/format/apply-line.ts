/** kubectl's words for what apply did: `chain/web created | configured | unchanged`. Pure. */
import type { ApplyOutcome } from '../../controller/grpc/codecs/chain-responses-codec.js';

const WORD: Readonly<Record<ApplyOutcome, string>> = { created: 'created', updated: 'configured', unchanged: 'unchanged' };

export const applyLine = (chain: string, outcome: ApplyOutcome, dryRun: boolean): string => `chain/${chain} ${WORD[outcome]}${dryRun ? ' (dry run)' : ''}\n`;

/** With --ignore-not-found the controller answers the same whether the chain existed or not. */
export const deleteLine = (chain: string, dryRun: boolean): string => `chain/${chain} deleted${dryRun ? ' (dry run)' : ''}\n`;
