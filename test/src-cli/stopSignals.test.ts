// installStopSignals (src-cli/stopSignals.ts) in a process of its own: a second signal within
// 1 s of the first is the same Ctrl+C passed on (npm forwards the signals it gets to its child,
// which the terminal has already signalled; tsx's supervisor re-sends one it was not told about
// within 30 ms) and must not cut the cleanup short; a second signal later exits at once. Before,
// any second signal exited at once with "again: exiting now", so `npm run patchlens` and
// `npm run serve` could skip their cleanup on a plain Ctrl+C.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers/sharedData';

/** A command that takes 3 s to clean up after its first signal, then exits 0 after saying so. */
const SCRIPT = `
import { installStopSignals } from ${JSON.stringify(join(repoRoot, 'src-cli', 'stopSignals.ts'))};
const stops = installStopSignals((l) => process.stderr.write(l + '\\n'), (code) => { process.stderr.write('exit ' + code + '\\n'); process.exit(code); }, 10000);
stops.signal.addEventListener('abort', () => setTimeout(() => { process.stderr.write('cleaned up\\n'); process.exit(0); }, 3000));
process.stderr.write('ready\\n');
setInterval(() => {}, 1000);
`;

function twoSignals(gapMs: number): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', SCRIPT], { cwd: repoRoot, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    const guard = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the script did not exit:\n${stderr}`));
    }, 60_000);
    child.stderr.on('data', (d: Buffer) => {
      const first = !stderr.includes('ready');
      stderr += d.toString();
      if (first && stderr.includes('ready')) {
        child.kill('SIGINT');
        setTimeout(() => child.kill('SIGINT'), gapMs);
      }
    });
    child.on('exit', (code) => {
      clearTimeout(guard);
      resolve({ code, stderr });
    });
  });
}

describe('installStopSignals', () => {
  it('a second SIGINT 50 ms after the first is the same Ctrl+C: the cleanup runs to its end', async () => {
    const r = await twoSignals(50);
    expect(r.stderr).toContain('patchlens: SIGINT: stopping');
    expect(r.stderr).not.toContain('again');
    expect(r.stderr).toContain('cleaned up');
    expect(r.code).toBe(0);
  }, 90_000);

  it('a second SIGINT 1.5 s after the first exits at once with 130', async () => {
    const r = await twoSignals(1500);
    expect(r.stderr).toContain('patchlens: SIGINT again: exiting now');
    expect(r.stderr).not.toContain('cleaned up');
    expect(r.code).toBe(130);
  }, 90_000);
});
