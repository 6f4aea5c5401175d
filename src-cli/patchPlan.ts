import type { ModelSpec } from '../shared/engine/modelSpec';
import { defaultPatch, patchAdvice } from '../shared/recommend/patchAdvice';
import { FALLBACK_PATCH_EDGE } from '../shared/settings/defaults';

/** What the model says about patches: its trained patch and receptive field, per axis, when known. */
export type PatchFacts = Pick<ModelSpec, 'trainedPatchSize' | 'receptiveField'>;

/** The patch infer runs with, and PatchLens's warnings about it (issue 12, item 1). */
export interface InferPatchPlan {
  /** The patch per axis, or 'whole': the one asked for, else {@link defaultPatch}'s. */
  patch: number[] | 'whole';
  /** True when no --patch was given. */
  defaulted: boolean;
  /** The advice's lines (empty when PatchLens has nothing to say). */
  warnings: string[];
}

/** Whether the advice (or the default) can depend on the grid: a patch axis below the receptive field. */
function belowField(patch: readonly number[], field: readonly number[]): boolean {
  return field.some((f, a) => (patch.length === 1 ? patch[0] : patch[a]) < f);
}

/**
 * The patch `patchlens infer` runs with and what it says about it before the run. The grid
 * shape is computed (a second preprocessing: ≈ 2 s for ch2 with a brainchop model) only when the
 * answer depends on it: some patch axis is below the receptive field.
 * @param requested `--patch` (one value or one per axis, or 'whole'); undefined for the default
 * @param model the model's trained patch and receptive field
 * @param gridShape the spatial shape inference runs over (see `inferenceGridShape`), on demand
 */
export function planInferPatch(requested: readonly number[] | 'whole' | undefined, model: PatchFacts, gridShape: () => number[]): InferPatchPlan {
  const field = model.receptiveField;
  if (requested === undefined) {
    const trained = model.trainedPatchSize;
    const needsGrid = field !== undefined && (trained === undefined || belowField(trained, field));
    const patch = needsGrid ? defaultPatch(trained, field, gridShape()) : (trained ? [...trained] : 'whole');
    return { patch, defaulted: true, warnings: [] };
  }
  const patch = requested === 'whole' ? 'whole' : [...requested];
  if (patch === 'whole' || field === undefined || !belowField(patch, field)) return { patch, defaulted: false, warnings: [] };
  return { patch, defaulted: false, warnings: patchAdvice(patch, field, gridShape()).messages };
}

/** A case of a sweep, as {@link planSweepPatches} needs it. */
export interface SweepCaseGrid {
  id: string;
  /** The spatial shape inference runs over for this case. */
  shape: number[];
}

/**
 * The patch sizes of a sweep and the warnings about them: one line per patch size that is
 * below the receptive field (prefixed with the cases when the cases' grids give different
 * lines). Without --patch: {@link defaultPatch} over the largest grid of the cases ('whole'
 * becomes that grid's shape, one window on every case), never a size it would warn about.
 * The cases' grids are computed only when needed.
 * @param requested `--patch` sizes (each one value or one per axis); undefined for the default
 * @param model the model's trained patch and receptive field
 * @param caseGrids every case's grid, on demand
 */
export function planSweepPatches(requested: readonly (readonly number[])[] | undefined, model: PatchFacts, caseGrids: () => SweepCaseGrid[]): { patchSizes: number[][]; warnings: string[] } {
  const field = model.receptiveField;
  let grids: SweepCaseGrid[] | null = null;
  const cases = () => (grids ??= caseGrids());
  if (requested === undefined) {
    const trained = model.trainedPatchSize;
    if (field === undefined || (trained !== undefined && !belowField(trained, field))) return { patchSizes: [trained ? [...trained] : [FALLBACK_PATCH_EDGE, FALLBACK_PATCH_EDGE, FALLBACK_PATCH_EDGE]], warnings: [] };
    const largest = cases().reduce<number[]>((m, c) => c.shape.map((s, a) => Math.max(s, m[a] ?? 0)), []);
    const d = defaultPatch(trained, field, largest);
    return { patchSizes: [d === 'whole' ? largest : d], warnings: [] };
  }
  const warnings: string[] = [];
  for (const p of requested) {
    if (field === undefined || !belowField(p, field)) continue;
    const byMessage = new Map<string, string[]>();
    for (const c of cases()) {
      for (const m of patchAdvice(p, field, c.shape).messages) byMessage.set(m, [...(byMessage.get(m) ?? []), c.id]);
    }
    const all = cases().length;
    for (const [m, ids] of byMessage) warnings.push(byMessage.size === 1 && ids.length === all ? m : `${ids.length === 1 ? 'case' : 'cases'} ${ids.join(', ')}: ${m}`);
  }
  return { patchSizes: requested.map((p) => [...p]), warnings };
}
