import { describe, product } from '../util/validate';
import { FINDING_CATEGORIES, FINDING_SEVERITIES, type Finding, type FindingPatch, type FindingShape, type FindingsDocument, type FindingsImage, type FindingWindow } from './types';

/** A findings file or finding that does not follow the schema; `path` names the bad field (`findings[2].severity`). */
export class FindingsValidationError extends Error {
  constructor(
    readonly path: string,
    detail: string,
  ) {
    super(`validateFindings: ${path} ${detail}`);
    this.name = 'FindingsValidationError';
  }
}

const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;
const SHA256 = /^[0-9a-f]{64}$/;

type Obj = Record<string, unknown>;

function fail(path: string, detail: string): never {
  throw new FindingsValidationError(path, detail);
}

/** An object with exactly the allowed keys (those in `required` present). */
function object(path: string, value: unknown, required: readonly string[], optional: readonly string[] = []): Obj {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) fail(path, `must be an object, got ${describe(value)}`);
  const o = value as Obj;
  for (const k of required) if (!(k in o)) fail(`${path}.${k}`, 'is missing');
  for (const k of Object.keys(o)) if (!required.includes(k) && !optional.includes(k)) fail(`${path}.${k}`, `is not a field of this schema (fields: ${[...required, ...optional].join(', ')})`);
  return o;
}

function string(path: string, value: unknown, nonEmpty = false): string {
  if (typeof value !== 'string') fail(path, `must be a string, got ${describe(value)}`);
  if (nonEmpty && value.trim() === '') fail(path, 'must not be empty');
  return value;
}

function integer(path: string, value: unknown, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) fail(path, `must be an integer in [${min}, ${max}], got ${describe(value)}`);
  return value;
}

function array(path: string, value: unknown, length?: number): unknown[] {
  if (!Array.isArray(value)) fail(path, `must be an array, got ${describe(value)}`);
  if (length !== undefined && value.length !== length) fail(path, `must have ${length} entries, got ${value.length}`);
  return value;
}

function time(path: string, value: unknown): string {
  const t = string(path, value);
  if (!ISO_TIME.test(t) || Number.isNaN(Date.parse(t))) fail(path, `must be an ISO 8601 time with a time zone (e.g. 2026-12-07T14:30:00.000Z), got ${describe(t)}`);
  return t;
}

/** Checks an image block: name, optional sha256, a 3-D shape. */
export function validateFindingsImage(value: unknown, path = 'image'): FindingsImage {
  const o = object(path, value, ['name', 'shape'], ['sha256']);
  const image: FindingsImage = {
    name: string(`${path}.name`, o.name, true),
    shape: array(`${path}.shape`, o.shape, 3).map((s, a) => integer(`${path}.shape[${a}]`, s, 1, 2 ** 31 - 1)),
  };
  if (o.sha256 !== undefined) {
    const h = string(`${path}.sha256`, o.sha256);
    if (!SHA256.test(h)) fail(`${path}.sha256`, `must be 64 lowercase hex digits, got ${describe(h)}`);
    image.sha256 = h;
  }
  return image;
}

/** Checks a finding's shape against the image shape. */
export function validateFindingShape(value: unknown, imageShape: readonly number[], path = 'shape'): FindingShape {
  const kind = object(path, value, ['kind'], ['voxel', 'axis', 'slice', 'points', 'voxels']).kind;
  if (kind === 'point') {
    const o = object(path, value, ['kind', 'voxel']);
    const voxel = array(`${path}.voxel`, o.voxel, 3).map((v, a) => integer(`${path}.voxel[${a}]`, v, 0, imageShape[a] - 1));
    return { kind, voxel };
  }
  if (kind === 'polygon') {
    const o = object(path, value, ['kind', 'axis', 'slice', 'points']);
    const axis = integer(`${path}.axis`, o.axis, 0, 2) as 0 | 1 | 2;
    const slice = integer(`${path}.slice`, o.slice, 0, imageShape[axis] - 1);
    const others = [0, 1, 2].filter((a) => a !== axis);
    const pts = array(`${path}.points`, o.points);
    if (pts.length < 3) fail(`${path}.points`, `must have at least 3 vertices, got ${pts.length}`);
    const points = pts.map((p, i) =>
      array(`${path}.points[${i}]`, p, 2).map((c, k) => {
        const size = imageShape[others[k]];
        if (typeof c !== 'number' || !Number.isFinite(c) || c < -0.5 || c > size - 0.5) {
          fail(`${path}.points[${i}][${k}]`, `must be a number in [-0.5, ${size - 0.5}] (axis ${others[k]} of the image shape [${imageShape.join(', ')}]), got ${describe(c)}`);
        }
        return c;
      }),
    );
    return { kind, axis, slice, points };
  }
  if (kind === 'voxels') {
    const o = object(path, value, ['kind', 'voxels']);
    const n = product(imageShape);
    const list = array(`${path}.voxels`, o.voxels);
    if (list.length === 0) fail(`${path}.voxels`, 'must hold at least one voxel');
    const voxels = list.map((v, i) => integer(`${path}.voxels[${i}]`, v, 0, n - 1));
    for (let i = 1; i < voxels.length; i++) if (voxels[i] <= voxels[i - 1]) fail(`${path}.voxels[${i}]`, `must be ascending without repeats (${voxels[i]} follows ${voxels[i - 1]})`);
    return { kind, voxels };
  }
  return fail(`${path}.kind`, `must be "point", "polygon" or "voxels", got ${describe(kind)}`);
}

function validateWindow(value: unknown, path: string): FindingWindow {
  const o = object(path, value, ['index', 'start', 'positionInPatch', 'borderDistance']);
  const ints = (k: string) => array(`${path}.${k}`, o[k], 3).map((v, a) => integer(`${path}.${k}[${a}]`, v, 0, 2 ** 31 - 1));
  return { index: integer(`${path}.index`, o.index, 0, 2 ** 31 - 1), start: ints('start'), positionInPatch: ints('positionInPatch'), borderDistance: integer(`${path}.borderDistance`, o.borderDistance, 0, 2 ** 31 - 1) };
}

function validatePatch(value: unknown, imageShape: readonly number[], path: string): FindingPatch | null {
  if (value === null) return null;
  const o = object(path, value, ['anchor', 'windows'], ['run']);
  const patch: FindingPatch = {
    anchor: array(`${path}.anchor`, o.anchor, 3).map((v, a) => integer(`${path}.anchor[${a}]`, v, 0, imageShape[a] - 1)),
    windows: array(`${path}.windows`, o.windows).map((w, i) => validateWindow(w, `${path}.windows[${i}]`)),
  };
  if (patch.windows.length === 0) fail(`${path}.windows`, 'must list at least one window (use patch: null when there is no grid)');
  if (o.run !== undefined) patch.run = string(`${path}.run`, o.run, true);
  return patch;
}

/**
 * Checks one finding against the schema and the image shape; returns a clean copy.
 * @throws {@link FindingsValidationError} naming the bad field
 */
export function validateFinding(value: unknown, imageShape: readonly number[], path = 'finding'): Finding {
  const o = object(path, value, ['id', 'shape', 'category', 'severity', 'note', 'author', 'time', 'patch'], ['edited']);
  if (!(FINDING_CATEGORIES as readonly unknown[]).includes(o.category)) fail(`${path}.category`, `must be one of ${FINDING_CATEGORIES.map((c) => `"${c}"`).join(', ')}, got ${describe(o.category)}`);
  if (!(FINDING_SEVERITIES as readonly unknown[]).includes(o.severity)) fail(`${path}.severity`, `must be 1, 2 or 3, got ${describe(o.severity)}`);
  const finding: Finding = {
    id: string(`${path}.id`, o.id, true),
    shape: validateFindingShape(o.shape, imageShape, `${path}.shape`),
    category: o.category as Finding['category'],
    severity: o.severity as Finding['severity'],
    note: string(`${path}.note`, o.note),
    author: string(`${path}.author`, o.author, true),
    time: time(`${path}.time`, o.time),
    patch: validatePatch(o.patch, imageShape, `${path}.patch`),
  };
  if (o.edited !== undefined) finding.edited = time(`${path}.edited`, o.edited);
  return finding;
}

/**
 * Checks a whole findings file (`{ format: 'patchlens.findings', version: 1, image, findings }`):
 * every field, every finding inside the image shape, ids unique.
 * @throws {@link FindingsValidationError} naming the bad field
 */
export function validateFindingsDocument(value: unknown): FindingsDocument {
  const o = object('document', value, ['format', 'version', 'image', 'findings']);
  if (o.format !== 'patchlens.findings') fail('format', `must be "patchlens.findings", got ${describe(o.format)}`);
  if (o.version !== 1) fail('version', `${describe(o.version)} is not supported (this build reads version 1)`);
  const image = validateFindingsImage(o.image);
  const findings = array('findings', o.findings).map((f, i) => validateFinding(f, image.shape, `findings[${i}]`));
  const seen = new Map<string, number>();
  findings.forEach((f, i) => {
    const j = seen.get(f.id);
    if (j !== undefined) fail(`findings[${i}].id`, `${describe(f.id)} repeats the id of findings[${j}]`);
    seen.set(f.id, i);
  });
  return { format: 'patchlens.findings', version: 1, image, findings };
}
