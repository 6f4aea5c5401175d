/**
 * A child process for test/src-node/annotation/autosaveKill.slow.test.ts: it edits an annotation
 * with an Autosaver (hand-driven timers: each edit's idle interval "passes" at once), prints
 * `saved <edits>` after each autosave, and at the chosen moment prints a line and blocks for
 * ever so that the parent can SIGKILL it exactly there.
 *
 * Usage: node --import tsx test/src-node/annotation/autosaveChild.ts <projectDir> <mode>
 *   between   autosaves after edits 1–3, makes edits 4 and 5 (not yet saved), prints `editing`
 *   writing   autosaves after edits 1–3; autosave 4 blocks halfway through writing its labels (`blocked`)
 *   manifest  autosaves after edits 1–3; autosave 4 blocks in the rename of its autosave.json (`blocked`)
 */
import * as fs from 'node:fs';
import { join } from 'node:path';
import { Autosaver } from '../../../src-node/annotation/autosave';
import { NODE_FS, type AtomicFs } from '../../../src-node/fs/atomicWrite';
import { findingsAfter, labelsAfter, ManualTimers, writeImage } from './autosaveFixture';

const [projectDir, mode] = process.argv.slice(2);
if (!['between', 'writing', 'manifest'].includes(mode)) throw new Error(`autosaveChild: unknown mode ${mode}`);

/** Stops this process's only thread for ever (the parent kills it here). */
function block(line: string): never {
  fs.writeSync(1, `${line}\n`);
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0);
  throw new Error('autosaveChild: woke up');
}

const paths = new Map<number, string>();
let manifestRenames = 0;
const blocking: AtomicFs = {
  ...NODE_FS,
  openSync: ((path: fs.PathLike, flags: fs.OpenMode, m?: fs.Mode | null) => {
    const fd = NODE_FS.openSync(path, flags, m);
    paths.set(fd, String(path));
    return fd;
  }) as typeof fs.openSync,
  writeSync: (fd, buffer, offset, length) => {
    if (mode === 'writing' && (paths.get(fd) ?? '').includes('labels-4.nii.gz')) {
      NODE_FS.writeSync(fd, buffer, offset, Math.max(1, Math.floor(length / 2)));
      block('blocked');
    }
    return NODE_FS.writeSync(fd, buffer, offset, length);
  },
  renameSync: (from, to) => {
    if (mode === 'manifest' && String(to).endsWith('autosave.json') && ++manifestRenames === 4) block('blocked');
    NODE_FS.renameSync(from, to);
  },
};

const image = writeImage(join(projectDir, 'image.nii.gz'));
const timers = new ManualTimers();
let edits = 0;
const autosaver = new Autosaver({
  projectDir,
  image,
  snapshot: () => ({ labels: labelsAfter(edits), findings: findingsAfter(edits), edits }),
  timers,
  onSaved: (m) => fs.writeSync(1, `saved ${m.edits}\n`),
  onError: (e) => fs.writeSync(2, `autosave failed: ${e.message}\n`),
  write: { fs: blocking },
});

/** One edit; `idle`: its idle interval passes and the autosave runs to its end (or blocks). */
async function edit(idle: boolean): Promise<void> {
  edits++;
  autosaver.markDirty();
  if (!idle) return;
  timers.fire();
  await new Promise((r) => setImmediate(r));
  while (autosaver.saving) await new Promise((r) => setImmediate(r));
}

for (let k = 1; k <= 3; k++) await edit(true);
if (mode === 'between') {
  await edit(false);
  await edit(false);
  block('editing');
}
await edit(true); // autosave 4 blocks in its writes
fs.writeSync(2, 'autosaveChild: autosave 4 did not block\n');
process.exit(3);
