/**
 * What a test suite needs from the machine (Debian's Chromium, poppler's pdftoppm, data in
 * ../shared) and what happens when it is missing: locally the suite is skipped with a message
 * naming the tool; with `PATCHLENS_REQUIRE_ALL=1` (set by `.ci/run`) the suite fails instead, so a
 * CI run cannot pass by skipping. Every "skip if the tool is missing" goes through
 * {@link requireTools}.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/** The environment variable that turns a missing tool from a skip into a failure. */
export const REQUIRE_ALL_ENV = 'PATCHLENS_REQUIRE_ALL';

/** Something a suite needs: its name, whether this machine has it, and how to get it. */
export interface Tool {
  /** What is needed, as a person names it, e.g. `Chromium (/usr/bin/chromium)`. */
  name: string;
  /** Whether it is there. */
  present: boolean;
  /** How to get it, e.g. `apt-get install -y chromium`. */
  install: string;
}

/** A browser executable at `path` (Debian's Chromium; never a downloaded browser). */
export function chromiumTool(path: string): Tool {
  return { name: `Chromium (${path})`, present: existsSync(path), install: 'apt-get install -y chromium; never download a browser' };
}

/** A command on the PATH, e.g. `pdftoppm`, with the package that brings it. */
export function commandTool(command: string, install: string): Tool {
  if (!/^[\w.-]+$/.test(command)) throw new Error(`commandTool: command must be a plain name, got ${JSON.stringify(command)}`);
  const found = spawnSync('sh', ['-c', `command -v ${command}`], { encoding: 'utf8' });
  return { name: command, present: found.status === 0 && found.stdout.trim() !== '', install };
}

/** A file or folder the suite reads, e.g. a model in ../shared. */
export function fileTool(name: string, path: string, install: string): Tool {
  return { name: `${name} (${path})`, present: existsSync(path), install };
}

/** Where {@link requireTools} looks for the variable and writes its skip message. */
export interface RequireOptions {
  /** The environment (default `process.env`). */
  env?: Record<string, string | undefined>;
  /** Where the skip message goes (default `console.warn`). */
  warn?: (message: string) => void;
}

/**
 * Whether `suite` can run: true when every tool is present. Otherwise, with
 * `PATCHLENS_REQUIRE_ALL=1` it throws an error naming the suite and each missing tool with how to
 * get it; without, it writes a "SKIPPED" message naming them and returns false (the caller skips:
 * `describe.skipIf(!requireTools(...))`).
 */
export function requireTools(suite: string, tools: readonly Tool[], options: RequireOptions = {}): boolean {
  if (!suite) throw new Error('requireTools: suite must name the suite');
  if (tools.length === 0) throw new Error(`requireTools: ${suite} names no tool`);
  const missing = tools.filter((t) => !t.present);
  if (missing.length === 0) return true;
  const list = missing.map((t) => `${t.name} (${t.install})`).join(' and ');
  const env = options.env ?? process.env;
  if (env[REQUIRE_ALL_ENV] === '1') throw new Error(`requireTools: ${suite} needs ${list}, missing on this machine; ${REQUIRE_ALL_ENV}=1 makes a missing tool a failure instead of a skip`);
  (options.warn ?? console.warn)(`${suite}: SKIPPED — missing ${list} (with ${REQUIRE_ALL_ENV}=1 this fails)`);
  return false;
}
