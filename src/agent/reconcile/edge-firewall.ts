/**
 * The edge's nftables table, behind a small interface (the reconciler's tests use the in-memory
 * twin). The table's comment carries a hash of its content: comparing hashes is how the agent knows
 * whether the kernel already has what the intent wants, without parsing nft's reformatted output.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { EDGE_TABLE, rulesetHash } from '../plan/edge-ruleset.js';

const run = promisify(execFile);

export interface EdgeFirewall {
  /** Hash of the installed table, or undefined when there is none. */
  currentHash(): Promise<string | undefined>;
  /** Atomically replaces the table with `ruleset`. */
  install(ruleset: string): Promise<void>;
  /** Removes the table; false when it was not there. */
  remove(): Promise<boolean>;
}

async function nft(args: string[], input?: string): Promise<string> {
  const child = run('nft', args, { maxBuffer: 16 * 1024 * 1024 });
  if (input !== undefined) {
    child.child.stdin?.end(input);
  }
  return (await child).stdout;
}

export class NftEdgeFirewall implements EdgeFirewall {
  async currentHash(): Promise<string | undefined> {
    let text: string;
    try {
      // Text, not -j: nft 1.0.6 leaves table comments out of its JSON.
      text = await nft(['list', 'table', 'inet', EDGE_TABLE]);
    } catch {
      return undefined; // no such table
    }
    return /comment "srv6-sfc ([0-9a-f]+)"/.exec(text)?.[1] ?? '';
  }

  async install(ruleset: string): Promise<void> {
    // Declaring the table first makes the delete valid when it does not exist yet; one nft run is one transaction.
    await nft(['-f', '-'], `table inet ${EDGE_TABLE}\ndelete table inet ${EDGE_TABLE}\n${ruleset}`);
  }

  async remove(): Promise<boolean> {
    if ((await this.currentHash()) === undefined) return false;
    await nft(['delete', 'table', 'inet', EDGE_TABLE]);
    return true;
  }
}

export class FakeEdgeFirewall implements EdgeFirewall {
  ruleset?: string;
  async currentHash(): Promise<string | undefined> {
    return this.ruleset === undefined ? undefined : rulesetHash(this.ruleset);
  }
  async install(ruleset: string): Promise<void> {
    this.ruleset = ruleset;
  }
  async remove(): Promise<boolean> {
    const had = this.ruleset !== undefined;
    this.ruleset = undefined;
    return had;
  }
}
