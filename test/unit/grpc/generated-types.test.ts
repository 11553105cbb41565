/**
 * The committed types in src/gen must be what the generator makes from proto/ with the run-time
 * loader options: otherwise the types lie about what handlers receive.
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { GEN_DIR, genTypesFlags, generateTypes } from '../../../src/common/grpc/gen-types.js';

const out = mkdtempSync(join(tmpdir(), 'sfc-gen-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

const listFiles = (dir: string): string[] => (readdirSync(dir, { recursive: true, withFileTypes: true }) as import('node:fs').Dirent[])
  .filter((d) => d.isFile())
  .map((d) => join(d.parentPath, d.name).slice(dir.length + 1))
  .sort();

describe('generated types', () => {
  it('are generated with flags equal to the run-time loader options', () => {
    expect(genTypesFlags()).toEqual(expect.arrayContaining(['--longs=String', '--enums=String', '--defaults', '--oneofs']));
    expect(genTypesFlags()).not.toContain('--keepCase');
  });

  it('are up to date with proto/ (run `npm run proto:gen` after changing a .proto)', { timeout: 60_000 }, () => {
    const fresh = generateTypes(out);
    expect(listFiles(GEN_DIR)).toEqual(fresh);
    for (const f of fresh) expect(readFileSync(join(GEN_DIR, f), 'utf8'), `src/gen/${f}`).toBe(readFileSync(join(out, f), 'utf8'));
  });
});
