/**
 * Generations: an intent's generation goes up only when its content changes, so re-planning an
 * unchanged world yields the very same intents and the agents perform no operation at all.
 */
import type { NodeIntent } from '../../agent/intent/node-intent.js';

/** Structural equality of JSON-like data; an absent key equals an undefined one. */
export function sameData(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const bb = b as unknown[];
    if (a.length !== bb.length) return false;
    for (let i = 0; i < a.length; i++) if (!sameData(a[i], bb[i])) return false;
    return true;
  }
  const ao = a as Record<string, unknown>;
  const bo = b as Record<string, unknown>;
  for (const k in ao) if (ao[k] !== undefined && !sameData(ao[k], bo[k])) return false;
  for (const k in bo) if (bo[k] !== undefined && ao[k] === undefined) return false;
  return true;
}

export type IntentDraft = Omit<NodeIntent, 'generation'>;

/**
 * The intent to send: the previous one itself when the content is unchanged (same generation,
 * same object), else the draft with the next generation. `floor` is the highest generation the
 * node is known to hold otherwise (the store's record, or what the agent reports): a node that was
 * away, or a controller that lost its previous intents, must still go above it, or the agent
 * refuses the intent as stale.
 */
export function stamp(draft: IntentDraft, previous: NodeIntent | undefined, floor = 0): { readonly intent: NodeIntent; readonly changed: boolean } {
  if (previous && previous.generation >= floor) {
    const { generation: _g, ...content } = previous;
    if (sameData(draft, content)) return { intent: previous, changed: false };
  }
  return { intent: { generation: Math.max(previous?.generation ?? 0, floor) + 1, ...draft }, changed: true };
}
