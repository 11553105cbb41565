/**
 * The controller's store: one consistent state, changed only through serialized
 * read-modify-write transactions, so two racing applies can never tear it. The embedded default
 * keeps it in one JSON file written atomically (tmp, fsync, rename, fsync of the directory);
 * an etcd store can implement the same interface later.
 */
import { mkdir, open, readFile, rename } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { EMPTY_STATE, type ControllerState, stateFromJson, stateToJson } from './state.js';

export interface Store {
  /** The current state (a snapshot: never mutate it). */
  read(): Promise<ControllerState>;
  /**
   * Runs fn on the current state; when it returns a new state, that state is persisted before the
   * transaction resolves. Transactions run one at a time, in call order; a throw changes nothing.
   */
  transact<T>(fn: (s: ControllerState) => { state?: ControllerState; result: T }): Promise<T>;
}

export const Store = Symbol.for('srv6-sfc.Store');

abstract class SerializedStore implements Store {
  protected state: ControllerState = EMPTY_STATE;
  private chain: Promise<unknown> = Promise.resolve();
  private loaded?: Promise<void>;

  protected abstract loadState(): Promise<ControllerState>;
  protected abstract persist(s: ControllerState): Promise<void>;

  private ready(): Promise<void> {
    this.loaded ??= this.loadState().then((s) => {
      this.state = s;
    });
    return this.loaded;
  }

  async read(): Promise<ControllerState> {
    await this.ready();
    return this.state;
  }

  transact<T>(fn: (s: ControllerState) => { state?: ControllerState; result: T }): Promise<T> {
    const run = this.chain.then(async () => {
      await this.ready();
      const { state, result } = fn(this.state);
      if (state && state !== this.state) {
        await this.persist(state);
        this.state = state;
      }
      return result;
    });
    this.chain = run.catch(() => undefined);
    return run;
  }
}

export class MemoryStore extends SerializedStore {
  constructor(private readonly initial: ControllerState = EMPTY_STATE) {
    super();
  }
  protected async loadState(): Promise<ControllerState> {
    return this.initial;
  }
  protected async persist(): Promise<void> {}
}

export class FileStore extends SerializedStore {
  readonly file: string;

  constructor(dir: string) {
    super();
    this.file = join(dir, 'state.json');
  }

  protected async loadState(): Promise<ControllerState> {
    try {
      return stateFromJson(await readFile(this.file, 'utf8'));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return EMPTY_STATE;
      throw new Error(`store: cannot read ${this.file}: ${(e as Error).message}`);
    }
  }

  protected async persist(s: ControllerState): Promise<void> {
    const dir = dirname(this.file);
    await mkdir(dir, { recursive: true });
    const tmp = `${this.file}.tmp`;
    const fh = await open(tmp, 'w');
    try {
      await fh.writeFile(stateToJson(s));
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(tmp, this.file);
    // The rename itself must survive a crash too.
    const d = await open(dir, 'r');
    try {
      await d.sync();
    } finally {
      await d.close();
    }
  }
}
