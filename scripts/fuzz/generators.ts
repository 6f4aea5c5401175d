/** Every target's case generator (main thread; the executors run in the worker, `fuzzWorker.ts`). */
import type { Corpus } from './corpus';
import { generateCli } from './gen/cli';
import { generateFrames } from './gen/frames';
import { generateGzip } from './gen/gzip';
import { generateModel } from './gen/model';
import { generateNifti } from './gen/nifti';
import type { Rng } from './rng';
import type { CaseInput, TargetName } from './types';

/** A generator: one random case from a seeded source and the corpus. */
export type Generator = (rng: Rng, corpus: Corpus) => { name: string; input: CaseInput };

/** Generators by target. */
export const GENERATORS: Record<TargetName, Generator> = {
  nifti: generateNifti,
  gzip: generateGzip,
  model: generateModel,
  cli: generateCli,
  frames: generateFrames,
};
