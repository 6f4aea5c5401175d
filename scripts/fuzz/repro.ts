/**
 * Reproduction files: every crash, hang and garbage result is written to the output folder as
 * one JSON file holding the case (target, seed, case number, input — bytes as base64), the
 * verdict and its stack, so that `npm run fuzz -- --replay <file>` runs exactly that case again.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { TARGETS, type CaseInput, type FuzzCase, type TimedVerdict } from './types';

/** What a reproduction file holds. */
export interface Repro {
  format: 'patchlens.fuzz-repro';
  fuzzCase: FuzzCase;
  verdict: TimedVerdict;
  /** How to run it again. */
  replay: string;
}

/** JSON replacer: Uint8Arrays become `{ $bytes: base64 }`. */
function replacer(_key: string, value: unknown): unknown {
  if (value instanceof Uint8Array) return { $bytes: Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64') };
  return value;
}

/** JSON reviver: `{ $bytes: base64 }` becomes a Uint8Array (on its own buffer). */
function reviver(_key: string, value: unknown): unknown {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    const keys = Object.keys(value);
    if (keys.length === 1 && keys[0] === '$bytes' && typeof (value as { $bytes: unknown }).$bytes === 'string') {
      return new Uint8Array(Buffer.from((value as { $bytes: string }).$bytes, 'base64'));
    }
  }
  return value;
}

/** A case input as JSON text (what a reproduction file and the summaries hold). */
export function inputToJson(input: CaseInput): string {
  return JSON.stringify(input, replacer);
}

/** The file name of a finding: `<target>-s<seed>-<case or fixed name>-<outcome>.json`. */
export function reproName(c: FuzzCase, outcome: string): string {
  const which = c.index >= 0 ? `c${c.index}` : c.name.replace(/[^A-Za-z0-9._-]+/g, '-');
  return `${c.target}-s${c.seed}-${which}-${outcome}.json`;
}

/**
 * Writes a finding into `dir` (created when missing).
 * @returns the file's path
 */
export function writeRepro(dir: string, c: FuzzCase, verdict: TimedVerdict): string {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, reproName(c, verdict.outcome));
  const repro: Repro = { format: 'patchlens.fuzz-repro', fuzzCase: c, verdict, replay: `npm run fuzz -- --replay ${path}` };
  writeFileSync(path, `${JSON.stringify(repro, replacer, 1)}\n`);
  return path;
}

/**
 * Reads a reproduction file.
 * @throws `readRepro: …` naming the file when it is not one
 */
export function readRepro(path: string): Repro {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'), reviver);
  } catch (e) {
    throw new Error(`readRepro: ${path} is not readable JSON (${(e as Error).message})`);
  }
  const r = parsed as Partial<Repro> | null;
  const c = r?.fuzzCase;
  if (r?.format !== 'patchlens.fuzz-repro' || !c || !(TARGETS as readonly string[]).includes(c.target) || typeof c.input?.mode !== 'string') {
    throw new Error(`readRepro: ${path} is not a PatchLens fuzz reproduction file`);
  }
  return r as Repro;
}
