/** Runs the real `patchlens` command in a child process and stops it with a signal (test/src-cli/signals.slow.test.ts, test/src-cli/stopRealModel.slow.test.ts). */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot } from './sharedData';

/** How a stopped command ended. */
export interface Stopped {
  code: number | null;
  stderr: string;
  /** Milliseconds from the signal to the exit. */
  stopMs: number;
}

/**
 * Runs `patchlens <args>`, sends `signal` once stderr matches `when` (or `when` ms after the start), resolves when the process exited;
 * rejects (after a SIGKILL) when it has not exited `limitMs` after its start.
 */
export function runAndStop(args: string[], signal: 'SIGTERM' | 'SIGINT', when: RegExp | number, limitMs = 120_000): Promise<Stopped> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(repoRoot, 'bin', 'patchlens.mjs'), ...args], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    let sentAt = 0;
    const send = () => {
      if (sentAt) return;
      sentAt = performance.now();
      child.kill(signal);
    };
    if (typeof when === 'number') setTimeout(send, when);
    const guard = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`patchlens ${args[0]} did not exit within ${limitMs / 1000} s (signal sent: ${sentAt > 0}):\n${stderr}`));
    }, limitMs);
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      if (typeof when !== 'number' && when.test(stderr)) send();
    });
    child.on('exit', (code) => {
      clearTimeout(guard);
      resolve({ code, stderr, stopMs: sentAt ? performance.now() - sentAt : -1 });
    });
  });
}
