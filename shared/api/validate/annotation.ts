/**
 * The validators of the annotation domain's channels. They check types and shapes; what needs
 * the open image (diff indices sorted, unique and inside its voxel count, `before` equal to
 * main's copy, the findings' image) is checked by the handler.
 */
import type { RequestArgs } from '../contract';
import type { AnnotationChannel } from '../channels/annotation';
import { ANNOTATION_RESOLUTIONS, ANNOTATION_STARTS, type AnnotationDiff, type FindingsDocument, type LabelTableJSON } from '../contract/annotation';
import { LabelTable } from '../../annotation/labelTable';
import { FindingsValidationError, validateFindingsDocument } from '../../findings/validateFindings';
import { describe } from '../../util/validate';
import { ARG_LIMITS } from './argLimits';
import { array, bool, fail, id, int, noArgs, object, oneOf, text, type Check } from './checks';

/** The largest label value (uint16). */
const MAX_LABEL = 65535;

/** One side of a diff: one label value for every voxel, or a uint8 / uint16 array aligned with the indices. */
function diffSide(ch: string, name: string, value: unknown, count: number): Uint8Array | Uint16Array | number {
  if (typeof value === 'number') return int(ch, name, value, 0, MAX_LABEL);
  if (!(value instanceof Uint8Array || value instanceof Uint16Array)) fail(ch, `${name} must be a label value in [0, ${MAX_LABEL}] or a Uint8Array / Uint16Array, got ${describe(value)}`);
  if (value.length !== count) fail(ch, `${name} must hold one value per index (${count}), got ${value.length}`);
  return value;
}

function diff(ch: string, value: unknown): AnnotationDiff {
  const o = object(ch, 'diff', value, ['indices', 'before', 'after']);
  if (!(o.indices instanceof Uint32Array)) fail(ch, `diff.indices must be a Uint32Array of flat voxel indices, got ${describe(o.indices)}`);
  if (o.indices.length === 0) fail(ch, 'diff.indices must name at least one voxel');
  if (o.indices.length > ARG_LIMITS.maxValues) fail(ch, `diff.indices must name at most ${ARG_LIMITS.maxValues} voxels, got ${o.indices.length}`);
  const n = o.indices.length;
  return { indices: o.indices, before: diffSide(ch, 'diff.before', o.before, n), after: diffSide(ch, 'diff.after', o.after, n) };
}

function rgb(ch: string, name: string, value: unknown): [number, number, number] {
  const c = array(ch, name, value, 3, 3).map((v, i) => int(ch, `${name}[${i}]`, v, 0, 255));
  return [c[0], c[1], c[2]];
}

/** A label table: its fields checked here, the rules of the table (values in the datatype, no repeats, the background unlocked) by LabelTable itself. */
function table(ch: string, value: unknown): LabelTableJSON {
  const o = object(ch, 'table', value, ['datatype', 'labels']);
  const datatype = oneOf(ch, 'table.datatype', o.datatype, ['uint8', 'uint16'] as const);
  const labels = array(ch, 'table.labels', o.labels, 1, ARG_LIMITS.maxLabelEntries).map((e, i) => {
    const name = `table.labels[${i}]`;
    const eo = object(ch, name, e, ['value', 'name', 'colour', 'locked', 'visible']);
    return {
      value: int(ch, `${name}.value`, eo.value, 0, MAX_LABEL),
      name: text(ch, `${name}.name`, eo.name, ARG_LIMITS.maxNameLength, false),
      colour: rgb(ch, `${name}.colour`, eo.colour),
      locked: bool(ch, `${name}.locked`, eo.locked),
      visible: bool(ch, `${name}.visible`, eo.visible),
    };
  });
  const json: LabelTableJSON = { datatype, labels };
  try {
    return LabelTable.fromJSON(json).toJSON();
  } catch (e) {
    return fail(ch, `table: ${(e as Error).message}`);
  }
}

function findings(ch: string, value: unknown): FindingsDocument {
  const count = value !== null && typeof value === 'object' ? (value as { findings?: unknown }).findings : undefined;
  if (Array.isArray(count) && count.length > ARG_LIMITS.maxFindings) fail(ch, `findings.findings must hold at most ${ARG_LIMITS.maxFindings} findings, got ${count.length}`);
  try {
    return validateFindingsDocument(value);
  } catch (e) {
    if (e instanceof FindingsValidationError) fail(ch, `findings: ${e.message}`);
    throw e;
  }
}

/** An image key: 16 lowercase hex digits (src-node/annotation/annotationFolder.ts). */
function imageKey(ch: string, value: unknown): string {
  if (typeof value !== 'string' || !/^[0-9a-f]{16}$/.test(value)) fail(ch, `imageKey must be 16 lowercase hex digits, got ${describe(value)}`);
  return value;
}

/** One validator per channel of the annotation domain. */
export const ANNOTATION_VALIDATORS: { [K in AnnotationChannel]: Check<RequestArgs<K>> } = {
  'annotation:open': (ch, args) => {
    const o = object(ch, 'args', args, ['start', 'runId'], ['start']);
    const start = oneOf(ch, 'start', o.start, ANNOTATION_STARTS);
    if (start === 'prediction' && o.runId === undefined) fail(ch, "runId is required with start 'prediction' (the run whose labels to start from)");
    return o.runId === undefined ? { start } : { start, runId: id(ch, 'runId', o.runId) };
  },
  'annotation:edit': (ch, args) => {
    const o = object(ch, 'args', args, ['diff', 'step', 'imageKey'], ['diff', 'step']);
    const checked = { diff: diff(ch, o.diff), step: text(ch, 'step', o.step, ARG_LIMITS.maxTextLength, false) };
    return o.imageKey === undefined ? checked : { ...checked, imageKey: imageKey(ch, o.imageKey) };
  },
  'annotation:table': (ch, args) => ({ table: table(ch, object(ch, 'args', args, ['table']).table) }),
  'annotation:findings': (ch, args) => ({ findings: findings(ch, object(ch, 'args', args, ['findings']).findings) }),
  'annotation:save': (ch, args) => {
    const o = object(ch, 'args', args, ['resolution'], []);
    return o.resolution === undefined ? {} : { resolution: oneOf(ch, 'resolution', o.resolution, ANNOTATION_RESOLUTIONS) };
  },
  'annotation:discardRecovery': noArgs,
  'annotation:reevaluate': (ch, args) => ({ runId: id(ch, 'runId', object(ch, 'args', args, ['runId']).runId) }),
};
