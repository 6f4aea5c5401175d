import type { ModelInfo } from '../../shared/api/contract';
import { BLEND_MODES, DEFAULT_RUN_SETTINGS, FALLBACK_PATCH_EDGE, INFERENCE_MEASURES, PLACEMENTS, type BlendMode, type InferenceMeasure, type Placement, type RunSettings } from '../../shared/settings/index';
import { isOverlap, isPatchEdge, OVERLAP_LIMITS, PATCH_LIMITS } from '../../shared/settings/limits';
import { defaultPatch, patchAdvice, type PatchAdvice } from '../../shared/recommend/patchAdvice';

/** The run form's raw values (text inputs stay text until validated). */
export interface RunForm {
  /** Patch size per spatial axis, as typed (a number input's binding gives numbers, null when empty). */
  patch: (string | number | null)[];
  /** Overlap fraction, as typed. */
  overlap: string | number | null;
  placement: Placement;
  blend: BlendMode;
  measure: InferenceMeasure;
}

/** Blends offered in the run form: what the stitching core accepts. */
export const RUN_BLENDS: readonly BlendMode[] = BLEND_MODES;

/**
 * The form's starting values: `shared/settings`'s defaults (overlap 0.5, gaussian, stride,
 * absoluteError), and the patch `defaultPatch` gives for the
 * model and the inference grid (never one the form would warn about; 'whole' is the grid itself:
 * one window). While the grid is unknown: the model's trained patch size, else 64 per axis.
 * @param grid the inference grid of the open image and model (`SessionState.inferenceGrid`)
 */
export function defaultRunForm(model: ModelInfo | null, grid: readonly number[] | null = null, spatialAxes = 3): RunForm {
  const trained = model?.trainedPatchSize;
  let patch: string[] = trained && trained.length > 0 ? trained.map(String) : new Array<string>(spatialAxes).fill(String(FALLBACK_PATCH_EDGE));
  if (model && grid && grid.length === spatialAxes) {
    try {
      const p = defaultPatch(trained, model.receptiveField, grid);
      patch = (p === 'whole' ? grid : p).map(String);
    } catch {
      // A trained patch or receptive field of another rank than the grid: keep the fallback.
    }
  }
  return { patch, ...DEFAULT_RUN_SETTINGS, overlap: String(DEFAULT_RUN_SETTINGS.overlap) };
}

/**
 * What the form says about its patch before Run (`patchAdvice`): null while it cannot say
 * (no model, receptive field or grid known, or the patch is not whole numbers yet).
 */
export function runFormAdvice(form: Pick<RunForm, 'patch'>, model: ModelInfo | null, grid: readonly number[] | null | undefined): PatchAdvice | null {
  if (!model?.receptiveField || !grid) return null;
  const patch = form.patch.map((p) => Number(String(p ?? '').trim()));
  if (patch.length === 0 || patch.some((p) => !Number.isInteger(p) || p < 1)) return null;
  try {
    return patchAdvice(patch, model.receptiveField, grid);
  } catch {
    return null;
  }
}

/** What {@link validateRunForm} answers: the settings, or one message per invalid field. */
export type RunFormResult = { ok: true; settings: RunSettings } | { ok: false; errors: Partial<Record<'patch' | 'overlap' | 'placement' | 'blend' | 'measure', string>> };

/**
 * Checks the form and builds {@link RunSettings}. Patch sizes must be integers within
 * `PATCH_LIMITS`, the overlap a number within `OVERLAP_LIMITS` (the limits every face checks).
 */
export function validateRunForm(form: RunForm): RunFormResult {
  const errors: Partial<Record<'patch' | 'overlap' | 'placement' | 'blend' | 'measure', string>> = {};
  const patchSize: number[] = [];
  if (form.patch.length === 0) errors.patch = 'Patch size: give one size per axis.';
  form.patch.forEach((raw, a) => {
    if (errors.patch) return;
    const text = String(raw ?? '');
    const v = Number(text.trim());
    if (text.trim() === '' || !Number.isInteger(v)) errors.patch = `Patch size, axis ${a}: "${text}" is not a whole number.`;
    else if (!isPatchEdge(v)) errors.patch = `Patch size, axis ${a}: ${v} is outside ${PATCH_LIMITS.min}–${PATCH_LIMITS.max}.`;
    else patchSize.push(v);
  });
  const overlapText = String(form.overlap ?? '').trim();
  const overlap = Number(overlapText);
  if (overlapText === '' || !Number.isFinite(overlap)) errors.overlap = `Overlap: "${overlapText}" is not a number.`;
  else if (!isOverlap(overlap)) errors.overlap = `Overlap: ${overlap} is outside ${OVERLAP_LIMITS.min}–${OVERLAP_LIMITS.max}.`;
  if (!PLACEMENTS.includes(form.placement)) errors.placement = `Placement: unknown "${form.placement}".`;
  if (!RUN_BLENDS.includes(form.blend)) errors.blend = `Blend: unknown "${form.blend}".`;
  if (!INFERENCE_MEASURES.includes(form.measure)) errors.measure = `Measure: unknown "${form.measure}".`;
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  return { ok: true, settings: { patchSize, overlap, placement: form.placement, blend: form.blend, measure: form.measure } };
}
