import type { SweepCases, SweepPlanInfo, SweepRequest } from '../../shared/api/contract';
import { patchAdvice } from '../../shared/recommend/patchAdvice';
import {
  APP_SWEEP_REPEATS_LIMITS,
  DEFAULT_SWEEP_BLENDS,
  DEFAULT_SWEEP_OVERLAPS,
  DEFAULT_SWEEP_PLACEMENTS,
  DEFAULT_SWEEP_SETTINGS,
  FALLBACK_PATCH_EDGE,
  isOverlap,
  isPatchEdge,
  OVERLAP_LIMITS,
  PATCH_LIMITS,
  PLACEMENTS,
  SWEEP_BLENDS,
  type Placement,
} from '../../shared/settings/index';
import type { SweepBlend } from '../../shared/sweep/types';

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
  cases: SweepCases;
}

/**
 * The sweep's default patch size: the model's trained patch (first axis) else
 * `FALLBACK_PATCH_EDGE` (64), unless `patchAdvice` would warn about it (smaller than the
 * receptive field): then the receptive field rounded up to a multiple of 16 (at most the grid's
 * largest extent and `PATCH_LIMITS.max`).
 */
export function defaultSweepPatch(trainedPatchSize: readonly number[] | null, receptiveField: readonly number[] | null = null, grid: readonly number[] | null = null): number {
  const trained = trainedPatchSize?.[0] ?? FALLBACK_PATCH_EDGE;
  if (!receptiveField) return trained;
  const shape = grid ?? receptiveField.map((f) => Math.max(f, trained) + 1);
  if (patchAdvice([trained, trained, trained].slice(0, shape.length), receptiveField, shape).level === 'ok') return trained;
  return Math.min(PATCH_LIMITS.max, grid ? Math.max(...grid) : PATCH_LIMITS.max, Math.ceil(Math.max(...receptiveField) / 16) * 16);
}

/** The form's starting values: {@link defaultSweepPatch} and `shared/settings`'s sweep defaults (overlaps 0, 0.25, 0.5, constant + gaussian, stride, 3 repeats). */
export function defaultSweepForm(trainedPatchSize: readonly number[] | null, hasLabels: boolean, receptiveField: readonly number[] | null = null, grid: readonly number[] | null = null): SweepForm {
  return {
    patchSizes: String(defaultSweepPatch(trainedPatchSize, receptiveField, grid)),
    overlaps: DEFAULT_SWEEP_OVERLAPS.join(', '),
    blends: [...DEFAULT_SWEEP_BLENDS],
    placements: [...DEFAULT_SWEEP_PLACEMENTS],
    repeats: String(DEFAULT_SWEEP_SETTINGS.repeats),
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
 * Checks the sweep form and builds a {@link SweepRequest}: patch sizes whole numbers within
 * `PATCH_LIMITS`, overlaps within `OVERLAP_LIMITS`, at least one blend and placement, repeats a
 * whole number within `APP_SWEEP_REPEATS_LIMITS` (the limits the contract checks too).
 */
export function validateSweepForm(form: SweepForm): SweepFormResult {
  const errors: Partial<Record<keyof SweepForm, string>> = {};
  const patches = numberList(form.patchSizes);
  if (typeof patches === 'string') errors.patchSizes = `Patch sizes: ${patches}.`;
  else {
    const bad = patches.find((p) => !isPatchEdge(p));
    if (bad !== undefined) errors.patchSizes = `Patch sizes: ${bad} is not a whole number in ${PATCH_LIMITS.min}–${PATCH_LIMITS.max}.`;
  }
  const overlaps = numberList(form.overlaps);
  if (typeof overlaps === 'string') errors.overlaps = `Overlaps: ${overlaps}.`;
  else {
    const bad = overlaps.find((o) => !isOverlap(o));
    if (bad !== undefined) errors.overlaps = `Overlaps: ${bad} is outside ${OVERLAP_LIMITS.min}–${OVERLAP_LIMITS.max}.`;
  }
  if (form.blends.length === 0) errors.blends = 'Blends: choose at least one.';
  else if (form.blends.some((b) => !SWEEP_BLENDS.includes(b))) errors.blends = `Blends: unknown "${form.blends.find((b) => !SWEEP_BLENDS.includes(b))}".`;
  if (form.placements.length === 0) errors.placements = 'Placements: choose at least one.';
  else if (form.placements.some((p) => !PLACEMENTS.includes(p))) errors.placements = `Placements: unknown "${form.placements.find((p) => !PLACEMENTS.includes(p))}".`;
  const repeatsText = String(form.repeats ?? '').trim();
  const repeats = Number(repeatsText);
  const { min, max } = APP_SWEEP_REPEATS_LIMITS;
  if (repeatsText === '' || !Number.isInteger(repeats) || repeats < min || repeats > max) errors.repeats = `Repeats: "${repeatsText}" is not a whole number in ${min}–${max}.`;
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
