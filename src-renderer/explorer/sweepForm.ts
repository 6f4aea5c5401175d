import type { SweepPlanInfo, SweepRequest } from '../../shared/api/contract';
import { patchAdvice } from '../../shared/recommend/patchAdvice';
import { PLACEMENTS, type Placement } from '../../shared/grid/placement';
import { BLEND_MODES } from '../../shared/stitching/types';
import type { SweepBlend } from '../../shared/sweep/types';

/** Blends a sweep can try: the stitching core's and `performance-weighted`. */
export const SWEEP_BLENDS: readonly SweepBlend[] = [...BLEND_MODES, 'performance-weighted'];

/** The sweep form's raw values. */
export interface SweepForm {
  /** Comma-separated patch sizes, e.g. "24, 32". */
  patchSizes: string;
  /** Comma-separated overlaps, e.g. "0, 0.25, 0.5". */
  overlaps: string;
  blends: SweepBlend[];
  placements: Placement[];
  /** As typed (a number input's binding gives a number, null when empty). */
  repeats: string | number | null;
  cases: 'current' | 'demo';
}

/**
 * The sweep's default patch size: the model's trained patch (first axis) else 64, unless
 * `patchAdvice` would warn about it (smaller than the receptive field): then the receptive
 * field rounded up to a multiple of 16 (at most the grid's largest extent and 512).
 */
export function defaultSweepPatch(trainedPatchSize: readonly number[] | null, receptiveField: readonly number[] | null = null, grid: readonly number[] | null = null): number {
  const trained = trainedPatchSize?.[0] ?? 64;
  if (!receptiveField) return trained;
  const shape = grid ?? receptiveField.map((f) => Math.max(f, trained) + 1);
  if (patchAdvice([trained, trained, trained].slice(0, shape.length), receptiveField, shape).level === 'ok') return trained;
  return Math.min(512, grid ? Math.max(...grid) : 512, Math.ceil(Math.max(...receptiveField) / 16) * 16);
}

/** The form's starting values: {@link defaultSweepPatch}, overlaps 0, 0.25, 0.5, constant + gaussian. */
export function defaultSweepForm(trainedPatchSize: readonly number[] | null, hasLabels: boolean, receptiveField: readonly number[] | null = null, grid: readonly number[] | null = null): SweepForm {
  return {
    patchSizes: String(defaultSweepPatch(trainedPatchSize, receptiveField, grid)),
    overlaps: '0, 0.25, 0.5',
    blends: ['constant', 'gaussian'],
    placements: ['stride'],
    repeats: '3',
    cases: hasLabels ? 'current' : 'demo',
  };
}

/** What {@link validateSweepForm} answers: the request, or one message per invalid field. */
export type SweepFormResult = { ok: true; request: SweepRequest } | { ok: false; errors: Partial<Record<keyof SweepForm, string>> };

function numberList(text: string): number[] | string {
  const parts = text.split(/[,\s]+/).filter((p) => p !== '');
  if (parts.length === 0) return 'give at least one value';
  const values: number[] = [];
  for (const p of parts) {
    const v = Number(p);
    if (!Number.isFinite(v)) return `"${p}" is not a number`;
    values.push(v);
  }
  return [...new Set(values)];
}

/**
 * Checks the sweep form and builds a {@link SweepRequest}: patch sizes whole numbers in 4–512,
 * overlaps in [0, 0.9], at least one blend and placement, repeats a whole number in 1–5.
 */
export function validateSweepForm(form: SweepForm): SweepFormResult {
  const errors: Partial<Record<keyof SweepForm, string>> = {};
  const patches = numberList(form.patchSizes);
  if (typeof patches === 'string') errors.patchSizes = `Patch sizes: ${patches}.`;
  else {
    const bad = patches.find((p) => !Number.isInteger(p) || p < 4 || p > 512);
    if (bad !== undefined) errors.patchSizes = `Patch sizes: ${bad} is not a whole number in 4–512.`;
  }
  const overlaps = numberList(form.overlaps);
  if (typeof overlaps === 'string') errors.overlaps = `Overlaps: ${overlaps}.`;
  else {
    const bad = overlaps.find((o) => o < 0 || o > 0.9);
    if (bad !== undefined) errors.overlaps = `Overlaps: ${bad} is outside 0–0.9.`;
  }
  if (form.blends.length === 0) errors.blends = 'Blends: choose at least one.';
  else if (form.blends.some((b) => !SWEEP_BLENDS.includes(b))) errors.blends = `Blends: unknown "${form.blends.find((b) => !SWEEP_BLENDS.includes(b))}".`;
  if (form.placements.length === 0) errors.placements = 'Placements: choose at least one.';
  else if (form.placements.some((p) => !PLACEMENTS.includes(p))) errors.placements = `Placements: unknown "${form.placements.find((p) => !PLACEMENTS.includes(p))}".`;
  const repeatsText = String(form.repeats ?? '').trim();
  const repeats = Number(repeatsText);
  if (repeatsText === '' || !Number.isInteger(repeats) || repeats < 1 || repeats > 5) errors.repeats = `Repeats: "${repeatsText}" is not a whole number in 1–5.`;
  if (form.cases !== 'current' && form.cases !== 'demo') errors.cases = `Cases: unknown "${form.cases}".`;
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  return {
    ok: true,
    request: {
      patchSizes: patches as number[],
      overlaps: overlaps as number[],
      blends: SWEEP_BLENDS.filter((b) => form.blends.includes(b)),
      placements: PLACEMENTS.filter((p) => form.placements.includes(p)),
      repeats,
      cases: form.cases,
    },
  };
}

/**
 * One warning line per patch size of the form smaller than the plan's model's receptive field
 * (`patchAdvice` on the grid inference runs over), in the order typed; none when the patch sizes
 * do not parse (the form's own error says why), the receptive field or the grid is unknown.
 */
export function sweepPatchWarnings(patchSizes: string, plan: Pick<SweepPlanInfo, 'model' | 'grid'> | null): string[] {
  const rf = plan?.model?.receptiveField ?? null;
  const grid = plan?.grid ?? null;
  const patches = numberList(patchSizes);
  if (!rf || !grid || typeof patches === 'string') return [];
  const out: string[] = [];
  for (const p of patches) {
    if (!Number.isInteger(p) || p < 1) continue;
    try {
      out.push(...patchAdvice(grid.map(() => p), rf, grid).messages);
    } catch {
      // a grid or receptive field of another rank: nothing to say about this patch
    }
  }
  return out;
}
