import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { planWindows } from '../../../shared/stitching/planWindows';
import { createFinding } from '../../../shared/findings/findingOperations';
import { findingPatch } from '../../../shared/findings/findingPatch';
import { parseFindings, serializeFindings } from '../../../shared/findings/findingsJson';
import { FindingsValidationError, validateFindingsDocument } from '../../../shared/findings/validateFindings';

const SHAPE = [91, 109, 91];
const plan = planWindows(SHAPE, { patchSize: 24, overlap: 0.5 });
const image = { name: 'ch2-2mm_t1.nii.gz', shape: SHAPE };

/** A parsed findings file whose fields the cases below break at will (any path, any type). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Doc = Record<string, any>;

/** The first ```json block of docs/findings.md. */
function docExample(): unknown {
  const md = readFileSync(resolve(__dirname, '../../../docs/findings.md'), 'utf8');
  const m = /```json\n([\s\S]*?)\n```/.exec(md);
  if (!m) throw new Error('docs/findings.md has no ```json block');
  return JSON.parse(m[1]);
}

/** A valid document to break one field of. */
function valid(): Doc {
  let list = createFinding([], { shape: { kind: 'point', voxel: [5, 50, 3] }, category: 'border artefact', severity: 2, author: 'A', time: '2026-12-07T14:30:00Z' }, { imageShape: SHAPE, plan }).findings;
  list = createFinding(list, { shape: { kind: 'polygon', axis: 1, slice: 3, points: [[0, 0], [4, 0], [4, 4]] }, category: 'other', severity: 1, author: 'B', time: '2026-12-07T14:31:00Z' }, { imageShape: SHAPE }).findings;
  return JSON.parse(serializeFindings(image, list));
}

function errorOf(mutate: (doc: Doc) => void): FindingsValidationError {
  const doc = valid();
  mutate(doc);
  try {
    validateFindingsDocument(doc);
  } catch (e) {
    if (e instanceof FindingsValidationError) return e;
    throw e;
  }
  throw new Error('expected the document to be refused');
}

describe('findings JSON (patchlens.findings, version 1)', () => {
  it('the example in docs/findings.md validates, and its patch blocks are what the demo plan says', () => {
    const doc = validateFindingsDocument(docExample());
    expect(doc.image.shape).toEqual(SHAPE);
    expect(doc.findings.map((f) => f.category)).toEqual(['border artefact', 'reference error', 'false positive']);
    for (const f of doc.findings) {
      if (f.patch) expect(findingPatch(plan, f.shape, { run: f.patch.run })).toEqual(f.patch);
    }
    expect(doc.findings[2].patch).toBeNull();
  });

  it('round-trips through text exactly', () => {
    const doc = valid();
    const text = serializeFindings(doc.image, doc.findings);
    expect(parseFindings(text)).toEqual(doc);
    expect(serializeFindings(parseFindings(text).image, parseFindings(text).findings)).toBe(text);
  });

  it('refuses bad fields, naming them', () => {
    const cases: [(d: Doc) => void, string, string][] = [
      [(d) => (d.findings[0].category = 'artifact'), 'findings[0].category', 'must be one of "border artefact", "missed structure", "false positive", "reference error", "other", got "artifact"'],
      [(d) => (d.findings[1].severity = 4), 'findings[1].severity', 'must be 1, 2 or 3, got 4'],
      [(d) => (d.findings[0].shape.voxel = [5, 109, 3]), 'findings[0].shape.voxel[1]', 'must be an integer in [0, 108], got 109'],
      [(d) => delete d.findings[1].author, 'findings[1].author', 'is missing'],
      [(d) => (d.findings[0].author = '  '), 'findings[0].author', 'must not be empty'],
      [(d) => (d.findings[0].time = '2026-12-07 14:30'), 'findings[0].time', 'must be an ISO 8601 time with a time zone (e.g. 2026-12-07T14:30:00.000Z), got "2026-12-07 14:30"'],
      [(d) => (d.findings[0].time = '2026-13-45T14:30:00Z'), 'findings[0].time', 'must be an ISO 8601 time'],
      [(d) => (d.findings[0].sevrity = 2), 'findings[0].sevrity', 'is not a field of this schema'],
      [(d) => (d.findings[1].id = d.findings[0].id), 'findings[1].id', '"finding-1" repeats the id of findings[0]'],
      [(d) => (d.findings[1].shape.points = [[0, 0], [4, 0]]), 'findings[1].shape.points', 'must have at least 3 vertices, got 2'],
      [(d) => (d.findings[1].shape.points[2] = [4, 91]), 'findings[1].shape.points[2][1]', 'must be a number in [-0.5, 90.5] (axis 2 of the image shape [91, 109, 91]), got 91'],
      [(d) => (d.findings[1].shape.slice = 109), 'findings[1].shape.slice', 'must be an integer in [0, 108], got 109'],
      [(d) => (d.findings[1].shape = { kind: 'voxels', voxels: [4, 4] }), 'findings[1].shape.voxels[1]', 'must be ascending without repeats (4 follows 4)'],
      [(d) => (d.findings[1].shape = { kind: 'voxels', voxels: [91 * 109 * 91] }), 'findings[1].shape.voxels[0]', 'must be an integer in [0, 902628], got 902629'],
      [(d) => (d.findings[1].shape = { kind: 'circle' }), 'findings[1].shape.kind', 'must be "point", "polygon" or "voxels", got "circle"'],
      [(d) => (d.findings[0].patch.windows = []), 'findings[0].patch.windows', 'must list at least one window'],
      [(d) => (d.findings[0].patch.windows[0].borderDistance = -1), 'findings[0].patch.windows[0].borderDistance', 'must be an integer'],
      [(d) => (d.image.sha256 = 'ABC'), 'image.sha256', 'must be 64 lowercase hex digits, got "ABC"'],
      [(d) => (d.image.shape = [91, 109]), 'image.shape', 'must have 3 entries, got 2'],
      [(d) => (d.format = 'patchlens.finding'), 'format', 'must be "patchlens.findings", got "patchlens.finding"'],
      [(d) => (d.version = 2), 'version', '2 is not supported (this build reads version 1)'],
      [(d) => (d.findings = {}), 'findings', 'must be an array, got [object Object]'],
    ];
    for (const [mutate, path, detail] of cases) {
      const e = errorOf(mutate);
      expect(e.path, detail).toBe(path);
      expect(e.message).toContain(`validateFindings: ${path} ${detail}`);
    }
  });

  it('refuses text that is not JSON, naming the document', () => {
    expect(() => parseFindings('{ "format": ')).toThrow(/^validateFindings: document is not JSON/);
    expect(() => parseFindings(42)).toThrow('validateFindings: document must be an object, got 42');
  });
});
