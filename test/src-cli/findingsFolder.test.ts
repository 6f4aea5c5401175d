/**
 * `patchlens report --findings <project folder>`: the findings and labels the app's Save wrote
 * into `<project>/annotations/<image key>/` (saveAnnotation, the handler's own writer) on the
 * demo image, found by the image's key; the folder is only read.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseFindings } from '../../shared/findings';
import { readNifti, writeNifti } from '../../shared/io/nifti';
import { openAnnotation, saveAnnotation, type AnnotatedImage, type AnnotationToSave } from '../../src-node/annotation/annotationFiles';
import { sha256Hex } from '../../src-node/fs/sha256';
import type { ReportData } from '../../src-node/report/reportTypes';
import { userFindings } from '../../src-node/report/userFindings';
import { InputError, UsageError } from '../../src-cli/usageError';
import { buildSweepFixture } from '../src-node/report/fixtures/buildSweepFixture';
import { testFindings, testImage } from '../src-node/report/fixtures/findingsFixture';
import { repoRoot } from '../helpers/sharedData';
import { runReport } from './runReport';

const tmp = mkdtempSync(join(tmpdir(), 'patchlens-report-project-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const sweep = buildSweepFixture(join(tmp, 'sweep'));
const demoPath = join(repoRoot, 'demo', 'data', 'ch2-2mm_t1.nii.gz');
const demoBytes = readFileSync(demoPath);
const demo: AnnotatedImage = { path: demoPath, header: readNifti(demoBytes).header, sha256: sha256Hex(demoBytes) };
const DEMO_KEY = 'b7c4e1a3ca89aaea';

/** docs/findings.md's example: three findings on the demo image, with its real SHA-256. */
function docExample(): unknown {
  const m = /```json\n([\s\S]*?)\n```/.exec(readFileSync(join(repoRoot, 'docs', 'findings.md'), 'utf8'));
  if (!m) throw new Error('docs/findings.md has no ```json block');
  return JSON.parse(m[1]);
}

/** The demo's brain mask with the first half of the voxels set to label 2: an edited reference. */
function editedLabels(): Uint8Array {
  const brain = readNifti(readFileSync(join(repoRoot, 'demo', 'data', 'ch2-2mm_brain.nii.gz')));
  const labels = Uint8Array.from(brain.data);
  labels.fill(2, 0, labels.length >> 1);
  return labels;
}

/** Saves an annotation as the app's Save does (the handler's saveAnnotation). */
function save(project: string, image: AnnotatedImage, what: AnnotationToSave): void {
  saveAnnotation(project, image, openAnnotation(project, image).versions, what);
}

/** A second image (the report fixture's) with its findings, for a folder of two annotations. */
function caseImage(): AnnotatedImage {
  const path = join(tmp, 'case.nii.gz');
  writeFileSync(path, writeNifti(testImage()));
  const bytes = readFileSync(path);
  return { path, header: readNifti(bytes).header, sha256: sha256Hex(bytes) };
}

/** Every file under `dir` with its bytes and mtime: what "nothing was written" compares. */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of readdirSync(dir, { recursive: true }) as string[]) {
    const path = join(dir, name);
    const st = statSync(path);
    out[name] = st.isDirectory() ? 'dir' : `${st.mtimeMs} ${sha256Hex(readFileSync(path))}`;
  }
  return out;
}

const run = (...argv: string[]) => runReport(argv);

const json = (dir: string) => JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')) as ReportData;

describe('patchlens report --findings <project folder>', () => {
  const project = join(tmp, 'project');
  const labels = editedLabels();
  save(project, demo, { labels, findings: docExample() });
  const annotationDir = join(project, 'annotations', DEMO_KEY);

  it('with --image: the image key finds its findings.json, and the thumbnails are drawn over the saved labels', async () => {
    expect(demo.sha256.slice(0, 16)).toBe(DEMO_KEY);
    const before = snapshot(project);
    const out = join(tmp, 'out-image');
    const r = await run(sweep, '--no-pdf', '--out', out, '--findings', project, '--image', demoPath);
    expect(r.error).toBeNull();
    expect(r.err.split('\n').filter((l) => l.startsWith('report: '))).toEqual([
      `report: findings: ${join(annotationDir, 'findings.json')} (3 findings on ch2-2mm_t1.nii.gz, the project's annotation ${DEMO_KEY})`,
      `report: thumbnails drawn over the saved labels ${join(annotationDir, 'labels.nii.gz')} (the project's edited reference; --labels <labels.nii.gz> draws others)`,
    ]);
    const uf = json(out).userFindings!;
    expect(uf.labelsOverlay).toBe(true);
    expect(uf.noThumbnails).toBeNull();
    expect(uf.findings.map((f) => [f.id, f.category, f.severity])).toEqual([
      ['finding-1', 'border artefact', 2],
      ['finding-2', 'reference error', 3],
      ['finding-3', 'false positive', 1],
    ]);
    // The thumbnails are those of the saved (edited) labels, not of the image alone.
    const doc = parseFindings(JSON.stringify(docExample()));
    const image = readNifti(demoBytes);
    const withSaved = userFindings(doc, { image, labels: { ...image, data: labels } });
    const bare = userFindings(doc, { image, labels: null });
    expect(uf.findings.map((f) => f.thumbnail!.png)).toEqual(withSaved.findings.map((f) => f.thumbnail!.png));
    expect(uf.findings.map((f) => f.thumbnail!.png)).not.toEqual(bare.findings.map((f) => f.thumbnail!.png));
    const html = readFileSync(join(out, 'report.html'), 'utf8');
    expect(html).toContain('<h2>6. Findings</h2>');
    expect(html).toContain('the labels blended over it');
    expect(html).toContain(withSaved.findings[0].thumbnail!.png);
    expect(snapshot(project)).toEqual(before);
  });

  it('the annotations/ folder works as well, and --labels replaces the saved labels', async () => {
    const out = join(tmp, 'out-annotations');
    const r = await run(sweep, '--no-pdf', '--out', out, '--findings', join(project, 'annotations'), '--image', demoPath, '--labels', join(repoRoot, 'demo', 'data', 'ch2-2mm_brain.nii.gz'));
    expect(r.error).toBeNull();
    expect(r.err).toContain(`report: findings: ${join(annotationDir, 'findings.json')} (3 findings`);
    expect(r.err).not.toContain('saved labels');
    const image = readNifti(demoBytes);
    const brain = readNifti(readFileSync(join(repoRoot, 'demo', 'data', 'ch2-2mm_brain.nii.gz')));
    const expected = userFindings(parseFindings(JSON.stringify(docExample())), { image, labels: brain });
    expect(json(out).userFindings!.findings.map((f) => f.thumbnail!.png)).toEqual(expected.findings.map((f) => f.thumbnail!.png));
  });

  it('without --image: the folder with one annotation gives its findings (no thumbnails)', async () => {
    const out = join(tmp, 'out-one');
    const r = await run(sweep, '--no-pdf', '--out', out, '--findings', project);
    expect(r.error).toBeNull();
    expect(r.err.split('\n').filter((l) => l.startsWith('report: '))).toEqual([`report: findings: ${join(annotationDir, 'findings.json')} (3 findings on ch2-2mm_t1.nii.gz, the project's annotation ${DEMO_KEY})`]);
    const uf = json(out).userFindings!;
    expect(uf.image).toEqual({ name: 'ch2-2mm_t1.nii.gz', sha256: demo.sha256, shape: [91, 109, 91] });
    expect(uf.findings.map((f) => f.id)).toEqual(['finding-1', 'finding-2', 'finding-3']);
    expect(uf.findings.every((f) => f.thumbnail === null)).toBe(true);
  });

  it('without --image, two annotated images: an error listing both (name and key) and asking for --image', async () => {
    const two = join(tmp, 'project-two');
    save(two, demo, { findings: docExample() });
    const other = caseImage();
    save(two, other, { findings: { ...testFindings(), image: { ...testFindings().image, sha256: other.sha256 } } });
    const otherKey = other.sha256.slice(0, 16);
    const r = await run(sweep, '--no-pdf', '--out', join(tmp, 'never'), '--findings', two);
    expect(r.error).toBeInstanceOf(UsageError);
    // Listed in key order.
    const list = [[DEMO_KEY, 'ch2-2mm_t1.nii.gz'], [otherKey, 'case.nii.gz']].sort(([a], [b]) => a.localeCompare(b)).map(([key, name]) => `${name} (key ${key})`);
    expect(r.error!.message).toBe(`report: --findings ${two} holds the findings of 2 images: ${list.join(', ')}; give --image <image.nii.gz> to choose one`);
    // With --image the same folder gives that image's findings.
    const chosen = await run(sweep, '--no-pdf', '--out', join(tmp, 'out-chosen'), '--findings', two, '--image', other.path);
    expect(chosen.error).toBeNull();
    expect(json(join(tmp, 'out-chosen')).userFindings!.findings.map((f) => f.id)).toEqual(['f1', 'f2', 'f3']);
  });

  it('a folder without the image\'s annotation: an error naming the folder and the key looked for', async () => {
    const empty = join(tmp, 'project-empty');
    mkdirSync(join(empty, 'annotations'), { recursive: true });
    const r = await run(sweep, '--no-pdf', '--out', join(tmp, 'never'), '--findings', empty, '--image', demoPath);
    expect(r.error).toBeInstanceOf(InputError);
    expect(r.error!.message).toBe(
      `report: --findings ${empty}: no findings of the --image in ${resolve(empty, 'annotations')} (image key ${DEMO_KEY}, the first 16 hex digits of its SHA-256 ${demo.sha256}): there is no ${join(empty, 'annotations', DEMO_KEY)}`,
    );
    // Labels saved but no findings yet: said so.
    save(empty, demo, { labels });
    const labelsOnly = await run(sweep, '--no-pdf', '--out', join(tmp, 'never'), '--findings', empty, '--image', demoPath);
    expect(labelsOnly.error!.message).toMatch(new RegExp(`image key ${DEMO_KEY},.*: its folder .*${DEMO_KEY} has no findings\\.json \\(no findings saved yet\\)$`));
    // Without --image: nothing to report.
    const none = await run(sweep, '--no-pdf', '--out', join(tmp, 'never'), '--findings', join(tmp, 'sweep'));
    expect(none.error).toBeInstanceOf(InputError);
    expect(none.error!.message).toBe(`report: --findings ${join(tmp, 'sweep')}: ${join(tmp, 'sweep', 'annotations')} holds no image's findings (no <image key>/findings.json; the app's Save writes them)`);
  });
});
