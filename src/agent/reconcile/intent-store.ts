/** The last applied intent, persisted atomically (tmp file, fsync, rename) so a restarted agent resumes it. */
import { mkdir, open, readFile, rename } from 'node:fs/promises';
import { join } from 'node:path';
import type { NodeIntent } from '../intent/node-intent.js';

export interface IntentStore {
  load(): Promise<NodeIntent | undefined>;
  save(intent: NodeIntent): Promise<void>;
}

export class FileIntentStore implements IntentStore {
  private readonly file: string;

  constructor(private readonly dir: string) {
    this.file = join(dir, 'intent.json');
  }

  async load(): Promise<NodeIntent | undefined> {
    try {
      return JSON.parse(await readFile(this.file, 'utf8')) as NodeIntent;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw e;
    }
  }

  async save(intent: NodeIntent): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    const tmp = `${this.file}.tmp`;
    const fh = await open(tmp, 'w');
    try {
      await fh.writeFile(JSON.stringify(intent));
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(tmp, this.file);
  }
}

/** Keeps the intent by reference: intents are never mutated once applied (cloning 10k chains costs ~40 ms). */
export class MemoryIntentStore implements IntentStore {
  intent?: NodeIntent;
  async load(): Promise<NodeIntent | undefined> {
    return this.intent;
  }
  async save(intent: NodeIntent): Promise<void> {
    this.intent = intent;
  }
}
