/**
 * WatchChains' stream: one ADDED per existing chain in the client's view, then every change of
 * the view as it happens, until the stream ends (cancel, deadline, drain, a slow client).
 *
 * The listener is attached before the snapshot is read and its events are held until the
 * snapshot is sent, so no change falls between the two; ChainView drops what the snapshot
 * already showed. The listener goes with the stream, whatever ends it.
 */
import type { StreamSink } from '../../common/grpc/handlers.js';
import type { WatchChainsResponse } from '../../gen/srv6sfc/v1/WatchChainsResponse.js';
import type { Chain } from '../../model/chain.js';
import type { ChainRegistry } from '../chains/chain-registry.js';
import { ChainView } from './chain-view.js';
import { type ChainEvent, chainEventToProto } from './codecs/chain-responses-codec.js';
import type { LabelFilter } from './codecs/label-filter.js';
import { MAX_PAGE_SIZE } from './codecs/page-token.js';

/** Every chain matching `filter`, in name order, a page at a time. */
export async function* allChains(registry: ChainRegistry, filter: LabelFilter = []): AsyncGenerator<Chain> {
  let after: string | undefined;
  for (;;) {
    const { chains, nextPageToken } = await registry.list({ size: MAX_PAGE_SIZE, query: '', ...(after !== undefined ? { after } : {}) }, filter);
    yield* chains;
    const last = chains[chains.length - 1];
    if (nextPageToken === '' || !last) return;
    after = last.name;
  }
}

const ended = (signal: AbortSignal): Promise<void> =>
  new Promise((resolve) => (signal.aborted ? resolve() : signal.addEventListener('abort', () => resolve(), { once: true })));

export async function watchChains(registry: ChainRegistry, filter: LabelFilter, sink: StreamSink<WatchChainsResponse>): Promise<void> {
  const view = new ChainView(filter);
  const send = (e: ChainEvent): void => {
    try {
      const out = view.next(e);
      if (out) sink.send(chainEventToProto(out));
    } catch (err) {
      sink.fail(err); // a chain that does not encode ends this stream, never the registry's write
    }
  };
  let held: ChainEvent[] | undefined = [];
  const off = registry.onChange((e) => (held ? held.push(e) : send(e)));
  try {
    for await (const chain of allChains(registry, filter)) {
      if (sink.signal.aborted) return;
      send({ type: 'ADDED', chain });
    }
    const early = held;
    held = undefined;
    for (const e of early) send(e);
    await ended(sink.signal);
  } finally {
    off();
  }
}
