/**
 * The netns runtime's state directory: one JSON record per instance (`<id>.json`, written
 * atomically: tmp file + rename), what lets a new agent process adopt the instances an earlier one
 * made. The record is written before the namespace exists (`ready: false`), marked ready when the
 * spawn completed, and removed after the namespace is gone: a namespace of ours never lacks its
 * record, and a crash mid-spawn leaves a record that is not ready (reported `exited`). Responders also have `<id>.responder.json` (written
 * by the listener) and `<id>.log` (its stderr).
 */
import { mkdirSync, readdirSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { InstanceSpec } from '../../intent/node-intent.js';
import type { KeeperRef } from './proc.js';

export interface InstanceRecord {
  readonly version: 1;
  readonly node: string;
  readonly ns: string;
  readonly spec: InstanceSpec;
  /** Increases with every reconfigure; the responder reports the generation it has loaded. */
  readonly generation: number;
  /** Set once the spawn completed: a record without it is a spawn cut short (by a crash). */
  readonly ready: boolean;
  /** The process that keeps the instance (responders: the listener). */
  readonly keeper?: KeeperRef;
}

export interface ResponderStatus {
  readonly pid: number;
  readonly generation: number;
  readonly ports: readonly number[];
  readonly errors: readonly string[];
}

const RECORD = /^([a-z0-9-]{1,24})\.json$/;

export class StateStore {
  constructor(readonly dir: string) {}

  init(): void {
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
  }

  path = (id: string): string => join(this.dir, `${id}.json`);
  statusPath = (id: string): string => join(this.dir, `${id}.responder.json`);
  logPath = (id: string): string => join(this.dir, `${id}.log`);

  write(rec: InstanceRecord): void {
    const file = this.path(rec.spec.id);
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(rec));
    renameSync(tmp, file);
  }

  read(id: string): InstanceRecord | undefined {
    try {
      const rec = JSON.parse(readFileSync(this.path(id), 'utf8')) as InstanceRecord;
      return rec.version === 1 && rec.spec?.id === id ? rec : undefined;
    } catch {
      return undefined;
    }
  }

  ids(): string[] {
    try {
      return readdirSync(this.dir)
        .map((f) => RECORD.exec(f)?.[1])
        .filter((x): x is string => x !== undefined);
    } catch {
      return [];
    }
  }

  readStatus(id: string): ResponderStatus | undefined {
    try {
      return JSON.parse(readFileSync(this.statusPath(id), 'utf8')) as ResponderStatus;
    } catch {
      return undefined;
    }
  }

  /** Removes the record and the responder's files; true when the record was there. */
  remove(id: string): boolean {
    let had = false;
    for (const f of [this.path(id), this.statusPath(id), this.logPath(id)]) {
      try {
        unlinkSync(f);
        if (f === this.path(id)) had = true;
      } catch {
        // not there
      }
    }
    return had;
  }

  clearStatus(id: string): void {
    try {
      unlinkSync(this.statusPath(id));
    } catch {
      // not there
    }
  }
}
