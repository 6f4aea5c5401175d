/** `patchlens report --findings/--image/--labels`: the Findings section written, and each bad input named. */
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { writeNifti } from '../../shared/io/nifti';
import { parseReportArgs } from '../../src-cli/reportCommand';
import { readFindingsInput } from '../../src-cli/findingsInput';
import { InputError, UsageError } from '../../src-cli/usageError';
import type { ReportData } from '../../src-node/report/reportTypes';
import { buildSweepFixture } from '../src-node/report/fixtures/buildSweepFixture';
import { testFindings, testImage, testLabels } from '../src-node/report/fixtures/findingsFixture';
import { runReport } from './runReport';

const tmp = mkdtempSync(join(tmpdir(), 'patchlens-report-findings-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const sweep = buildSweepFixture(join(tmp, 'sweep'));
const imagePath = join(tmp, 'case.nii.gz');
const labelsPath = join(tmp, 'case-labels.nii.gz');
const findingsPath = join(tmp, 'findings.json');
writeFileSync(imagePath, writeNifti(testImage()));
writeFileSync(labelsPath, writeNifti(testLabels(), { datatype: 'uint8' }));
writeFileSync(findingsPath, JSON.stringify(testFindings()));

const run = (...argv: string[]) => runReport(argv);

/** A findings file with one field changed. */
type Loose = { format: unknown; image: { sha256?: string }; findings: { severity: unknown; shape: { voxel?: number[] } }[] };
function badFile(name: string, change: (doc: Loose) => void): string {
  const doc = testFindings() as unknown as Loose;
  change(doc);
  const path = join(tmp, name);
  writeFileSync(path, JSON.stringify(doc));
  return path;
}

describe('patchlens report --findings', () => {
  it('parses the options (space and = forms) and says what a missing value needs', () => {
    expect(parseReportArgs(['d', '--findings', 'f.json', '--image=i.nii', '--labels', 'l.nii'])).toMatchObject({ sweepDir: 'd', findings: 'f.json', image: 'i.nii', labels: 'l.nii' });
    expect(() => parseReportArgs(['d', '--findings'])).toThrow('report: --findings needs a findings file or a project folder (patchlens report <sweep-dir> --findings <findings.json | project folder>)');
    expect(() => parseReportArgs(['d', '--image', '--no-pdf'])).toThrow(/--image needs an image file/);
  });

  it('writes the Findings section with thumbnails into report.json and report.html', async () => {
    const out = join(tmp, 'out');
    const r = await run(sweep, '--no-pdf', '--out', out, '--findings', findingsPath, '--image', imagePath, '--labels', labelsPath);
    expect(r.error).toBeNull();
    const json = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')) as ReportData;
    const uf = json.userFindings!;
    expect(uf.findings.map((f) => [f.id, f.category, f.severity, f.author])).toEqual([
      ['f1', 'border artefact', 3, 'ana'],
      ['f2', 'missed structure', 1, 'ben'],
      ['f3', 'reference error', 2, 'ana'],
    ]);
    expect(uf.labelsOverlay).toBe(true);
    expect(uf.findings.map((f) => [f.thumbnail!.axis, f.thumbnail!.slice, f.thumbnail!.width, f.thumbnail!.height])).toEqual([
      [0, 3, 240, 200],
      [1, 5, 240, 60],
      [0, 2, 240, 200],
    ]);
    const html = readFileSync(join(out, 'report.html'), 'utf8');
    expect(html).toContain('<h2>6. Findings</h2>');
    expect(html).toContain(uf.findings[0].thumbnail!.png);
  });

  it('without --image: the table, no thumbnails, and the reason', async () => {
    const out = join(tmp, 'out-bare');
    expect((await run(sweep, '--no-pdf', '--out', out, '--findings', findingsPath)).error).toBeNull();
    const json = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')) as ReportData;
    expect(json.userFindings!.findings).toHaveLength(3);
    expect(json.userFindings!.findings.every((f) => f.thumbnail === null)).toBe(true);
    expect(readFileSync(join(out, 'report.html'), 'utf8')).toContain('No thumbnails: no image was given for the thumbnails');
  });

  it('a findings file that does not validate is a usage error naming the field', async () => {
    const cases: [string, string, RegExp][] = [
      [badFile('severity.json', (d) => (d.findings[1].severity = 5)), 'severity', /field findings\[1\]\.severity:/],
      [badFile('format.json', (d) => (d.format = 'other')), 'format', /field format: format must be "patchlens.findings"/],
      [badFile('outside.json', (d) => (d.findings[0].shape.voxel = [9, 0, 0])), 'voxel', /field findings\[0\]\.shape\.voxel/],
    ];
    for (const [path, what, re] of cases) {
      const r = await run(sweep, '--no-pdf', '--out', join(tmp, 'never'), '--findings', path);
      expect(r.error, what).toBeInstanceOf(UsageError);
      expect(r.error!.message, what).toMatch(new RegExp(`^report: --findings ${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} is not a valid findings file: `));
      expect(r.error!.message, what).toMatch(re);
    }
    const notJson = join(tmp, 'broken.json');
    writeFileSync(notJson, '{ nope');
    expect((await run(sweep, '--no-pdf', '--findings', notJson)).error!.message).toMatch(/field document: .*is not JSON/);
  });

  it('refuses --image/--labels without what they need, an image of another shape or SHA-256, and a missing file', () => {
    const paths = (p: Partial<{ findings: string; image: string; labels: string }>) => ({ findings: null, image: null, labels: null, ...p });
    expect(() => readFindingsInput(paths({ image: imagePath }))).toThrow(new UsageError("report: --image draws the findings' thumbnails and needs --findings <findings.json | project folder>"));
    expect(() => readFindingsInput(paths({ findings: findingsPath, labels: labelsPath }))).toThrow(/--labels needs --image/);
    const other = join(tmp, 'other.nii.gz');
    writeFileSync(other, writeNifti({ ...testImage(), shape: [6, 20, 12], data: new Float32Array(6 * 20 * 12) }));
    expect(() => readFindingsInput(paths({ findings: findingsPath, image: other }))).toThrow(/the image has shape \[6,20,12\] but the findings are on case\.nii\.gz of shape \[6,20,24\] \(--image /);
    const sha = createHash('sha256').update(readFileSync(imagePath)).digest('hex');
    const wrongSha = badFile('sha.json', (d) => (d.image.sha256 = 'a'.repeat(64)));
    expect(() => readFindingsInput(paths({ findings: wrongSha, image: imagePath }))).toThrow(`has SHA-256 ${sha}, but the findings were marked on case.nii.gz with SHA-256 ${'a'.repeat(64)}`);
    const rightSha = badFile('sha-ok.json', (d) => (d.image.sha256 = sha));
    expect(readFindingsInput(paths({ findings: rightSha, image: imagePath }))!.image.sha256).toBe(sha);
    expect(() => readFindingsInput(paths({ findings: join(tmp, 'none.json') }))).toThrow(new InputError(`report: --findings ${join(tmp, 'none.json')}: no such file or folder`));
    expect(() => readFindingsInput(paths({ findings: findingsPath, image: join(tmp, 'none.nii') }))).toThrow(/^report: --image .*none\.nii: no such file/);
  });
});
