/** probeWritable (src-node/fs/probeWritable.ts): the check every command makes of its --out before any work. */
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { probeWritable } from '../../../src-node/fs/probeWritable';

const tmp = mkdtempSync(join(tmpdir(), 'patchlens-probe-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('probeWritable', () => {
  it('a writable --out: the probe leaves nothing behind, and creates no folder', async () => {
    const parent = join(tmp, 'ok');
    mkdirSync(parent);
    await probeWritable(join(parent, 'new', 'deeper'), { where: 'beside' });
    await probeWritable(parent);
    expect(readdirSync(parent)).toEqual([]);
    expect(existsSync(join(parent, 'new'))).toBe(false);
  });

  it('a read-only folder is refused (when not root, who bypasses permissions)', async () => {
    const ro = join(tmp, 'read-only');
    mkdirSync(ro);
    chmodSync(ro, 0o555);
    try {
      const root = process.getuid?.() === 0;
      const probe = probeWritable(join(ro, 'out'), { option: '--out' });
      if (root) await expect(probe).resolves.toBeUndefined();
      else await expect(probe).rejects.toThrow(new RegExp(`^--out ${join(ro, 'out')} is not writable: a file cannot be created in ${ro} \\(EACCES: permission denied\\)$`));
    } finally {
      chmodSync(ro, 0o755);
    }
  });

  it('a path under a regular file, or under /proc, is refused naming the option and the path', async () => {
    const file = join(tmp, 'a-file');
    writeFileSync(file, 'x');
    await expect(probeWritable(join(file, 'x', 'y'), { option: '--out', where: 'beside' })).rejects.toThrow(`--out ${join(file, 'x', 'y')} is not writable: ${file} is a file, not a folder`);
    await expect(probeWritable('/proc/patchlens-test/deeper')).rejects.toThrow('--out /proc/patchlens-test/deeper is not writable: a file cannot be created in /proc (ENOENT: no such file or directory)');
    await expect(probeWritable(file, { option: 'the sweep folder' })).rejects.toThrow(`the sweep folder ${file} is a file, not a folder`);
  });
});
