/**
 * A child process for the kill tests of test/src-node/fs/atomicWrite.test.ts: it starts a write through
 * the one writer with a `renameSync` that, at the chosen call, prints `at-rename <n>` and then
 * blocks for ever, so that the parent can SIGKILL it exactly between "written" and "renamed".
 *
 * Usage: node --import tsx test/src-node/fs/atomicChild.ts <mode> <target> <block-at-rename-call>
 *   file    writeFileAtomic(target, "new content")
 *   files   writeFilesAtomic of target.a, target.b ("new a", "new b")
 *   folder  beginFolder(target), files a.txt + b.txt, commit({ replace: true }): rename call 1
 *           is the first try onto the target, 2 moves the old folder aside, 3 moves the new one in
 */
import * as fs from 'node:fs';
import { join } from 'node:path';
import { beginFolder, NODE_FS, writeFileAtomic, writeFilesAtomic, type AtomicFs } from '../../../src-node/fs/atomicWrite';

/** Files inside the temp folder are written with the real file system (only the commit blocks). */
const put = (path: string, data: string) => writeFileAtomic(path, data);

const [mode, target, at] = process.argv.slice(2);
const blockAt = Number(at);
let calls = 0;
const blocking: AtomicFs = {
  ...NODE_FS,
  renameSync: (from, to) => {
    if (++calls === blockAt) {
      fs.writeSync(1, `at-rename ${calls}\n`);
      // Block this thread for ever (the parent kills the process here).
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0);
    }
    fs.renameSync(from, to);
  },
};

if (mode === 'file') writeFileAtomic(target, 'new content', { fs: blocking });
else if (mode === 'files')
  writeFilesAtomic(
    [
      { path: `${target}.a`, data: 'new a' },
      { path: `${target}.b`, data: 'new b' },
    ],
    { fs: blocking },
  );
else if (mode === 'folder') {
  const folder = beginFolder(target, { fs: blocking });
  put(join(folder.dir, 'a.txt'), 'new a');
  put(join(folder.dir, 'b.txt'), 'new b');
  folder.commit({ replace: true });
} else throw new Error(`atomicChild: unknown mode ${mode}`);
fs.writeSync(1, 'done\n');
