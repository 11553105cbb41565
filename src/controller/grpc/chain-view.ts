/**
 * What one WatchChains client sees: the registry's change events restated for the client's label
 * filter, so a cache built from the stream stays exact. A chain whose labels stop matching leaves
 * the view (DELETED), one that starts matching enters it (ADDED); changes outside the view are
 * not sent. The view remembers which chains it has sent, as the very objects it sent: the store
 * hands out the same (immutable) objects it emits, so an event that was already seen in the
 * initial snapshot is recognized by identity and not sent twice. Pure; no I/O.
 */
import type { Chain } from '../../model/chain.js';
import type { ChainEvent } from './codecs/chain-responses-codec.js';
import { type LabelFilter, matchesLabels } from './codecs/label-filter.js';

export class ChainView {
  /** Chains in the view, by name, as last sent. */
  private readonly sent = new Map<string, Chain>();

  constructor(private readonly filter: LabelFilter) {}

  /** The event to send for a registry event (or a snapshot entry, as ADDED); undefined: nothing. */
  next(e: ChainEvent): ChainEvent | undefined {
    const name = e.chain.name;
    const had = this.sent.get(name);
    const inView = e.type !== 'DELETED' && matchesLabels(this.filter, e.chain.labels);
    if (inView) {
      // Already sent as this very object (a change the snapshot showed). A deletion carries the
      // chain's last state, which may well be the object sent last: it is never dropped.
      if (had === e.chain) return undefined;
      this.sent.set(name, e.chain);
      return { type: had ? 'MODIFIED' : 'ADDED', chain: e.chain };
    }
    if (!had) return undefined;
    this.sent.delete(name);
    return { type: 'DELETED', chain: e.chain };
  }
}
