/**
 * Fuzzer findings in the gzip reader (scripts/fuzz, target `gzip`, seed 1): fflate accepts a
 * stream whose deflate data never reach a final block, or whose last trailer is not where the
 * stream ends; such streams are now refused (the reader checks where a sentinel member starts).
 * Plus readJsonFile's errors stay on one line (target `model`).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { gunzipChecked } from '../../../shared/io/gzip';
import { readJsonFile } from '../../../src-node/readJsonFile';

const hex = (h: string) => Uint8Array.from(h.match(/../g)!.map((b) => parseInt(b, 16)));

describe('gunzipChecked: strict member ends', () => {
  it('refuses seed 1 case 2537: a stored block of length 0 with NLEN 0, no final block, a zero trailer', () => {
    expect(() => gunzipChecked('t', hex('1f8b080000000000020000000000000000000000'))).toThrow(/^t: the gzip stream is truncated or corrupt/);
  });

  it('refuses bytes after the last trailer, and a member whose deflate data stop before its trailer', () => {
    const one = gzipSync(new Uint8Array(10).fill(4));
    expect(() => gunzipChecked('t', new Uint8Array([...one, 0, 0]))).toThrow(/truncated or corrupt/);
    expect(() => gunzipChecked('t', new Uint8Array([...one, ...one.subarray(0, 12)]))).toThrow(/truncated or corrupt/);
  });

  it('still reads well-formed single, empty and multi-member streams', () => {
    expect(gunzipChecked('t', gzipSync(new Uint8Array(0))).length).toBe(0);
    const data = new Uint8Array(70_000).map((_, i) => (i * 13) % 251);
    expect(gunzipChecked('t', gzipSync(data))).toEqual(data);
    const two = new Uint8Array([...gzipSync(data.subarray(0, 100)), ...gzipSync(data.subarray(100))]);
    expect(gunzipChecked('t', two)).toEqual(data);
  });
});

describe('readJsonFile', () => {
  it('says what is wrong with a JSON file on one line', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'patchlens-json-'));
    try {
      writeFileSync(join(dir, 'model.json'), '{\n  "a": 1,\n  oops\n}\n');
      const e = await readJsonFile('readModelFolder', join(dir, 'model.json')).catch((x: Error) => x);
      expect((e as Error).message).toMatch(/^readModelFolder: .*model\.json is not valid JSON: /);
      expect((e as Error).message).not.toContain('\n');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
