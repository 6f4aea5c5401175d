/**
 * The output guard (src-node/fs/outputGuard.ts) and the decisions built on it: what `infer --out`
 * does with an existing folder (inferOutputPlan.ts) and when a sweep may write into one
 * (sweep/sweepGuard.ts). Each refusal is checked by its message.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { planInferOutput, type InferIdentity } from '../../../src-node/fs/inferOutputPlan';
import { assertNoInputOverwrite, moveAside, OutputRefusedError, resolveReal, type GuardWording } from '../../../src-node/fs/outputGuard';
import { claimSweepFolder, type SweepIdentity } from '../../../src-node/sweep/sweepGuard';
import type { SweepFile } from '../../../shared/sweep/types';

const tmp = mkdtempSync(join(tmpdir(), 'patchlens-guard-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
let n = 0;
const fresh = (name = 'case') => {
  const dir = join(tmp, `${name}-${n++}`);
  mkdirSync(dir, { recursive: true });
  return dir;
};
const INFER: GuardWording = { command: 'infer', out: '--out', force: '--force' };
const sha = (s: string) => createHash('sha256').update(s).digest('hex');

describe('assertNoInputOverwrite', () => {
  const outputs = (out: string) => ['labels.nii.gz', 'result.json'].map((f) => ({ path: join(out, f) }));

  it('refuses an output file that is an input (the reproduction: --label X/labels.nii.gz --out X)', () => {
    const x = fresh();
    writeFileSync(join(x, 'labels.nii.gz'), 'reference');
    const inputs = [{ what: '--image', path: join(tmp, 'img.nii.gz') }, { what: '--label', path: join(x, 'labels.nii.gz') }];
    expect(() => assertNoInputOverwrite(INFER, x, outputs(x), inputs)).toThrow(OutputRefusedError);
    expect(() => assertNoInputOverwrite(INFER, x, outputs(x), inputs)).toThrow(`infer: --out ${x} would write ${join(x, 'labels.nii.gz')}, which is the --label file; choose another --out`);
  });

  it('follows symbolic links: an output that is a link to an input, or a folder that is a link to the input folder', () => {
    const real = fresh();
    writeFileSync(join(real, 'ref.nii.gz'), 'reference');
    const x = fresh();
    symlinkSync(join(real, 'ref.nii.gz'), join(x, 'labels.nii.gz'));
    expect(() => assertNoInputOverwrite(INFER, x, outputs(x), [{ what: '--label', path: join(real, 'ref.nii.gz') }])).toThrow(/would write .*labels\.nii\.gz, which is the --label file/);
    const linked = join(fresh(), 'out-link');
    symlinkSync(real, linked);
    expect(() => assertNoInputOverwrite(INFER, linked, [{ path: join(linked, 'ref.nii.gz') }], [{ what: '--image', path: join(real, 'ref.nii.gz') }])).toThrow(/which is the --image file/);
    expect(resolveReal(join(linked, 'not-yet', 'x.json'))).toBe(join(resolveReal(real), 'not-yet', 'x.json'));
  });

  it('refuses --out inside the model folder, --out that is an input file, and an input inside an output folder', () => {
    const model = fresh('model');
    expect(() => assertNoInputOverwrite(INFER, model, outputs(model), [{ what: '--model', path: model, folder: true }])).toThrow(`infer: --out ${model} is inside the --model folder ${model}; choose another --out`);
    expect(() => assertNoInputOverwrite(INFER, join(model, 'sub'), outputs(join(model, 'sub')), [{ what: '--model', path: model, folder: true }])).toThrow(/is inside the --model folder/);
    const img = join(fresh(), 'img.nii.gz');
    writeFileSync(img, 'x');
    expect(() => assertNoInputOverwrite(INFER, img, outputs(img), [{ what: '--image', path: img }])).toThrow(`infer: --out ${img} is the --image file; choose another --out`);
    const s = fresh('sweep');
    mkdirSync(join(s, 'results'));
    writeFileSync(join(s, 'results', 'a.nii.gz'), 'x');
    expect(() => assertNoInputOverwrite({ command: 'sweep', out: '--out', force: '--force' }, s, [{ path: join(s, 'results'), folder: true }], [{ what: 'case a label', path: join(s, 'results', 'a.nii.gz') }])).toThrow(
      `sweep: --out ${s} would write ${join(s, 'results')}, the folder that holds the case a label file ${join(s, 'results', 'a.nii.gz')}; choose another --out`,
    );
  });

  it('lets a folder beside or above the inputs be written when no output is an input', () => {
    const x = fresh();
    writeFileSync(join(x, 'ref.nii.gz'), 'reference');
    expect(() => assertNoInputOverwrite(INFER, join(x, 'out'), outputs(join(x, 'out')), [{ what: '--label', path: join(x, 'ref.nii.gz') }])).not.toThrow();
  });
});

describe('planInferOutput', () => {
  const identity: InferIdentity = { model: sha('model'), image: sha('image'), label: sha('label'), request: { patch: [32], overlap: [0.5], blend: 'gaussian' } };
  /** A folder holding an earlier result (files listed with their SHA-256, as writeInferenceFiles writes it). */
  const earlier = (id: InferIdentity, files: Record<string, string> = { 'labels.nii.gz': 'labels' }) => {
    const dir = fresh('run');
    for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
    const listed = Object.entries(files).map(([name, text]) => ({ name, sha256: sha(text), bytes: text.length }));
    writeFileSync(
      join(dir, 'result.json'),
      JSON.stringify({ format: 'patchlens.infer-result', version: 1, app: { name: 'patchlens' }, model: { sha256: id.model }, inputs: { image: { sha256: id.image }, label: id.label ? { sha256: id.label } : null }, request: id.request, files: listed }),
    );
    return dir;
  };

  it('a missing or empty folder is new', () => {
    expect(planInferOutput(join(tmp, 'nope', 'x'), identity, false, INFER).kind).toBe('new');
    expect(planInferOutput(fresh(), identity, false, INFER).kind).toBe('new');
  });

  it('the same result, verified, needs no run; its paths come back, result.json last', () => {
    const dir = earlier(identity);
    expect(planInferOutput(dir, identity, false, INFER)).toEqual({ kind: 'same', dir, files: [join(dir, 'labels.nii.gz'), join(dir, 'result.json')] });
    // The same options in another key order are the same request.
    expect(planInferOutput(dir, { ...identity, request: { blend: 'gaussian', overlap: [0.5], patch: [32] } }, false, INFER).kind).toBe('same');
  });

  it('another result is refused without --force, naming what differs, and replaced as a whole with it', () => {
    const dir = earlier(identity);
    const other = { ...identity, model: sha('other model'), request: { ...identity.request, overlap: [0.25] } };
    expect(() => planInferOutput(dir, other, false, INFER)).toThrow(
      new RegExp(`^infer: --out ${dir} already holds another result \\(another model \\(sha256 ${identity.model.slice(0, 12)}…, now ${other.model.slice(0, 12)}…\\); other options \\(overlap\\)\\); add --force to replace it, or choose another --out$`),
    );
    expect(planInferOutput(dir, other, true, INFER)).toEqual({ kind: 'replace', dir, replaceable: ['labels.nii.gz', 'result.json'] });
    expect(() => planInferOutput(dir, { ...identity, label: null }, false, INFER)).toThrow(/other labels \(sha256 [0-9a-f]{12}…, now none\)/);
  });

  it('files PatchLens did not write are never replaced, even with --force', () => {
    const plain = fresh();
    writeFileSync(join(plain, 'notes.txt'), "the user's");
    expect(() => planInferOutput(plain, identity, true, INFER)).toThrow(
      `infer: --out ${plain} is not empty and holds no PatchLens result: it holds notes.txt, which PatchLens did not write; they are never replaced, even with --force; move them or choose another --out`,
    );
    const beside = earlier(identity);
    writeFileSync(join(beside, 'ch2.nii.gz'), 'an input');
    expect(() => planInferOutput(beside, { ...identity, model: sha('x') }, true, INFER)).toThrow(/holds ch2\.nii\.gz beside an earlier PatchLens result, which PatchLens did not write; they are never replaced, even with --force/);
    const edited = earlier(identity);
    writeFileSync(join(edited, 'labels.nii.gz'), 'corrected by hand');
    expect(() => planInferOutput(edited, identity, true, INFER)).toThrow(/holds labels\.nii\.gz, changed since PatchLens wrote them \(the SHA-256 differs from result\.json\); they are never replaced, even with --force/);
    expect(readFileSync(join(edited, 'labels.nii.gz'), 'utf8')).toBe('corrected by hand');
  });

  it('an older result.json without hashes or options is another result (replaceable with --force); a file is refused', () => {
    const dir = fresh('old');
    writeFileSync(join(dir, 'labels.nii.gz'), 'x');
    writeFileSync(join(dir, 'result.json'), JSON.stringify({ app: { name: 'patchlens' }, model: { sha256: identity.model }, inputs: { image: { sha256: identity.image }, label: { sha256: identity.label } }, files: ['labels.nii.gz', 'result.json'] }));
    expect(() => planInferOutput(dir, identity, false, INFER)).toThrow(/no recorded options \(written by an older PatchLens\); no file hashes to verify it/);
    expect(planInferOutput(dir, identity, true, INFER).kind).toBe('replace');
    const file = join(fresh(), 'file');
    writeFileSync(file, 'x');
    expect(() => planInferOutput(file, identity, true, INFER)).toThrow(`infer: --out ${file} is a file, not a folder; choose another --out`);
  });
});

describe('claimSweepFolder', () => {
  const model = { name: 'm', sha256: sha('m') };
  const settings: SweepFile['settings'] = { repeats: 2, warmup: 'patch', batchSize: 1, measure: 'absoluteError', diceMode: 'auto', crop: true };
  const cases = [{ id: 'a', image: '/a.nii.gz', label: '/a-label.nii.gz' }];
  const next: SweepIdentity = { model, cases, fingerprints: { a: sha('fa') }, settings };
  const SWEEP: GuardWording = { command: 'sweep', out: '--out', force: '--force' };
  const sweepFolder = (over: Partial<SweepFile> = {}) => {
    const dir = fresh('sweep');
    const sweep = { format: 'patchlens.sweep', version: 1, created: '2026-01-01T00:00:00.000Z', updated: '2026-01-01T00:00:00.000Z', model, cases, fingerprints: next.fingerprints, settings, ...over };
    writeFileSync(join(dir, 'sweep.json'), JSON.stringify(sweep));
    mkdirSync(join(dir, 'results'));
    writeFileSync(join(dir, 'results', 'a__c.json'), '{"old":true}');
    writeFileSync(join(dir, 'summary.json'), '{}');
    writeFileSync(join(dir, 'notes.txt'), "the user's");
    return dir;
  };

  it('a compatible sweep (a resume, more cases) is reused; an empty results/ without sweep.json is fine', () => {
    const dir = sweepFolder();
    expect(claimSweepFolder(dir, next, { wording: SWEEP }).before?.model.sha256).toBe(model.sha256);
    expect(claimSweepFolder(dir, { ...next, cases: [...cases, { id: 'b', image: '/b', label: '/bl' }], fingerprints: { ...next.fingerprints, b: sha('fb') } }, { wording: SWEEP }).movedAside).toBeNull();
    const empty = fresh();
    mkdirSync(join(empty, 'results'));
    expect(claimSweepFolder(empty, next, { wording: SWEEP })).toEqual({ before: null, movedAside: null });
  });

  it('refuses another model, other settings, dropped cases and other case files, naming which', () => {
    const dir = sweepFolder();
    const refuse = (id: SweepIdentity) => () => claimSweepFolder(dir, id, { wording: SWEEP });
    expect(refuse({ ...next, model: { name: 'other', sha256: sha('o') } })).toThrow(
      new RegExp(`^sweep: --out ${dir} holds a sweep of another model \\(m, sha256 ${model.sha256.slice(0, 12)}…; now other, ${sha('o').slice(0, 12)}…\\); add --force to move it aside into ${dir}/replaced-<date> \\(nothing is deleted\\), or choose another --out$`),
    );
    expect(refuse({ ...next, settings: { ...settings, crop: false } })).toThrow(/holds a sweep of other settings \(crop true, now false\)/);
    expect(refuse({ ...next, cases: [{ id: 'b', image: '/b', label: '/bl' }], fingerprints: { b: sha('fb') } })).toThrow(/holds a sweep of other cases \(a not in this sweep\)/);
    expect(refuse({ ...next, fingerprints: { a: sha('changed') } })).toThrow(/holds a sweep of other case files \(the image or label SHA-256 of a differs\)/);
    expect(readFileSync(join(dir, 'results', 'a__c.json'), 'utf8')).toBe('{"old":true}');
  });

  it('with force moves the old sweep into a dated subfolder, leaving files PatchLens did not write in place', () => {
    const dir = sweepFolder();
    const now = new Date('2026-11-27T10:00:00.000Z');
    const claim = claimSweepFolder(dir, { ...next, model: { name: 'other', sha256: sha('o') } }, { wording: SWEEP, force: true, now });
    expect(claim).toEqual({ before: null, movedAside: join(dir, 'replaced-2026-11-27T10-00-00-000Z') });
    expect(readdirSync(dir).sort()).toEqual(['notes.txt', 'replaced-2026-11-27T10-00-00-000Z']);
    expect(readdirSync(claim.movedAside!).sort()).toEqual(['results', 'summary.json', 'sweep.json']);
    expect(readFileSync(join(claim.movedAside!, 'results', 'a__c.json'), 'utf8')).toBe('{"old":true}');
    expect(moveAside(dir, ['missing'], 'replaced', now)).toBeNull();
  });

  it('refuses sweep files without a sweep.json, or a sweep.json PatchLens cannot read, even with force', () => {
    const dir = fresh();
    writeFileSync(join(dir, 'summary.json'), "the user's");
    expect(() => claimSweepFolder(dir, next, { wording: SWEEP, force: true })).toThrow(
      `sweep: --out ${dir} holds summary.json but no sweep.json: PatchLens did not write them; they are never replaced, even with --force; choose another --out`,
    );
    writeFileSync(join(dir, 'sweep.json'), 'not json');
    expect(() => claimSweepFolder(dir, next, { wording: SWEEP, force: true })).toThrow(/holds a sweep\.json that PatchLens cannot read \(.*is not valid JSON.*\); it is never replaced; choose another --out/);
    expect(existsSync(join(dir, 'summary.json'))).toBe(true);
  });
});
