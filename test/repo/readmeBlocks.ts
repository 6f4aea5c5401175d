import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A fenced code block of a Markdown file. */
export interface FencedBlock {
  /** The info string's first word (`sh`, `ts`, `text`; '' when none). */
  lang: string;
  /** The block's text, without the fences (ends without a newline). */
  code: string;
  /** 1-based line of the opening fence. */
  line: number;
}

/** Every fenced (```) block of a Markdown text, in order. An unclosed fence is an error. */
export function fencedBlocks(markdown: string): FencedBlock[] {
  const lines = markdown.split('\n');
  const blocks: FencedBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^```(\S*)/.exec(lines[i]);
    if (!open) continue;
    const start = i;
    const body: string[] = [];
    for (i++; i < lines.length && !/^```\s*$/.test(lines[i]); i++) body.push(lines[i]);
    if (i >= lines.length) throw new Error(`fencedBlocks: the block opened on line ${start + 1} is never closed`);
    blocks.push({ lang: open[1], code: body.join('\n'), line: start + 1 });
  }
  return blocks;
}

/**
 * The commands of a shell block: `\`-continued lines joined, `# comments` (at a line's start or
 * after a space) removed, empty lines dropped; whitespace runs become one space.
 */
export function shellCommands(code: string): string[] {
  const joined = code.replace(/\\\n/g, ' ');
  return joined
    .split('\n')
    .map((l) => l.replace(/(^|\s)#.*$/, '').replace(/\s+/g, ' ').trim())
    .filter((l) => l.length > 0);
}

/**
 * A throwaway copy of the repository root to run README commands in: every top-level entry is a
 * symbolic link to the repository's, except `out/` (a real, empty folder, so that what the
 * commands write never lands in the checkout); `../shared` beside it links to the data folder.
 *
 * @param repoRoot the repository
 * @param sharedDir the data folder the README calls `../shared`
 * @returns the copy's root (run commands with it as the working directory)
 */
export function makeWorkspace(repoRoot: string, sharedDir: string): string {
  const base = mkdtempSync(join(tmpdir(), 'patchlens-readme-'));
  const root = join(base, 'repo');
  mkdirSync(root);
  symlinkSync(sharedDir, join(base, 'shared'));
  for (const name of readdirSync(repoRoot)) {
    if (name === 'out' || name === '.git') continue;
    symlinkSync(join(repoRoot, name), join(root, name));
  }
  mkdirSync(join(root, 'out'));
  return root;
}

/** What a finished command printed. */
export interface CommandResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** True when the command had not ended `killAfterMs` after SIGINT and was killed. */
  killed: boolean;
}

/**
 * Runs a shell command line with bash in `cwd`. With `stopWhen`, the command is sent SIGINT (as
 * Ctrl+C would) as soon as its output so far (stdout + stderr) satisfies it, and killed
 * (SIGKILL, `killed: true`) if it has not ended `killAfterMs` later: a guard against a hang,
 * not a speed check.
 */
export function runShell(command: string, cwd: string, options: { env?: NodeJS.ProcessEnv; stopWhen?: (output: string) => boolean; killAfterMs?: number } = {}): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    // Its own process group, so that SIGINT reaches npm and the node process it starts, as a terminal's Ctrl+C does.
    const child = spawn('bash', ['-c', command], { cwd, env: options.env ?? process.env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let stopped = false;
    let killed = false;
    let guard: NodeJS.Timeout | undefined;
    const check = () => {
      if (!stopped && options.stopWhen?.(stdout + stderr)) {
        stopped = true;
        process.kill(-child.pid!, 'SIGINT');
        guard = setTimeout(() => {
          killed = true;
          process.kill(-child.pid!, 'SIGKILL');
        }, options.killAfterMs ?? 60_000);
      }
    };
    child.stdout.on('data', (d: Buffer) => ((stdout += d.toString()), check()));
    child.stderr.on('data', (d: Buffer) => ((stderr += d.toString()), check()));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(guard);
      resolve({ code, signal, stdout, stderr, killed });
    });
  });
}
