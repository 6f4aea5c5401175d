// One rule, one message for a reference volume (issue 12, item 2). Before the fix there was no
// checkReference (the module did not exist) and runInference's warnings never said that an
// intensity image given as the reference "looks like an image, not labels": the last test
// failed on `expect(warnings).toContain(...)` with the old resolveDiceMode.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkReference, MAX_LABELS, MIN_EQUAL_NEIGHBOURS } from '../../../../shared/engine/inference/referenceCheck';
import { runInference } from '../../../../shared/engine/inference/runInference';
import { datatypeOfArray } from '../../../../shared/io/niftiDatatypes';
import { readNifti } from '../../../../shared/io/nifti';
import type { Volume } from '../../../../shared/io/volume';
import { borderModel, fakeSpec } from '../../../helpers/fakeModel';
import { sharedDir } from '../../../helpers/sharedData';

const mricron = (name: string) => readNifti(readFileSync(resolve(sharedDir, 'data', 'mricron', name)));
const BINARY = 'the reference labels are binary but the model has 3 classes: Dice and the patch performance map compare label > 0 with reference > 0';

describe('checkReference', () => {
  it('MRIcron ch2 (an 8-bit MRI, 249 distinct values) given as a reference looks like an image', () => {
    const ch2 = mricron('ch2.nii.gz');
    const dt = datatypeOfArray(ch2.data).name;
    expect(dt).toBe('uint8');
    const c = checkReference(ch2.data, 3, 'auto', dt);
    expect(c.looksLikeImage).toBe(true);
    expect(c.imageReason).toBe(
      'the reference has 249 distinct values (uint8) and only 9 % of neighbouring non-zero voxels share a value (a label map has regions of one value): this looks like an image, not labels',
    );
    // the comparison falls back exactly as the CLI does
    expect(c.mode).toBe('foreground');
    expect(c.warning).toBe('the reference has label 254 but the model only 3 classes (0…2): Dice and the patch performance map compare label > 0 with reference > 0');
    // the skull-stripped ch2bet has only 127 distinct values, near AAL's 117: the count alone cannot tell, the neighbours can
    const bet = checkReference(mricron('ch2bet.nii.gz').data, 3, 'auto', 'uint8');
    expect(bet.looksLikeImage).toBe(true);
    expect(bet.imageReason).toMatch(/^the reference has 127 distinct values \(uint8\) and only 12 % of neighbouring non-zero voxels share a value/);
  });

  it('the AAL atlas (116 regions) is a label map, not an image', () => {
    const aal = mricron('aal.nii.gz');
    const c = checkReference(aal.data, 3, 'auto', 'uint8');
    expect(c.looksLikeImage).toBe(false);
    expect(c.imageReason).toBeNull();
    expect(c.mode).toBe('foreground');
    expect(c.warning).toMatch(/^the reference has label 116 but the model only 3 classes/);
    expect(MAX_LABELS).toBeGreaterThan(116);
    // stored as float32 with integer values (nibabel's default for some tools): judged by its values
    expect(checkReference(Float32Array.from(aal.data), 3, 'auto', 'float32').looksLikeImage).toBe(false);
  });

  it('a float32 reference with non-integer values looks like an image', () => {
    const ch2 = mricron('ch2bet.nii.gz');
    const f = new Float32Array(ch2.data.length);
    for (let i = 0; i < f.length; i++) f[i] = ch2.data[i] / 254;
    const c = checkReference(f, 2, 'auto', 'float32');
    expect(c.looksLikeImage).toBe(true);
    expect(c.imageReason).toMatch(/^the reference \(float32\) has non-integer values \(e\.g\. 0\.\d+\): this looks like an image, not labels$/);
    // values in [0, 1] and 2 classes: no fallback, no comparison warning
    expect(c.mode).toBe('classes');
    expect(c.warning).toBeNull();
  });

  it('more than MAX_LABELS distinct values is an image even when neighbours agree (a smooth int16 ramp)', () => {
    const n = 64 * 64 * 64;
    const ramp = Int16Array.from({ length: n }, (_, i) => 1 + Math.floor(i / 64)); // 4096 values, each a row of 64
    const c = checkReference(ramp, 2, 'classes', 'int16');
    expect(c.looksLikeImage).toBe(true);
    expect(c.imageReason).toBe(`the reference has 4096 distinct values (int16), more than the ${MAX_LABELS} labels PatchLens accepts: this looks like an image, not labels`);
    expect(c.mode).toBe('classes');
    expect(c.warning).toBeNull();
  });

  it('binary and multi-class references: the CLI\'s two fallbacks, word for word, and no image flag', () => {
    const mask = Uint8Array.from({ length: 4096 }, (_, i) => (i % 64 < 32 ? 1 : 0));
    expect(checkReference(mask, 3, 'auto')).toEqual({ mode: 'foreground', warning: BINARY, looksLikeImage: false, imageReason: null });
    expect(checkReference(mask, 2, 'auto')).toEqual({ mode: 'classes', warning: null, looksLikeImage: false, imageReason: null });
    expect(checkReference(mask, 3, 'classes')).toEqual({ mode: 'classes', warning: null, looksLikeImage: false, imageReason: null });
    expect(checkReference(Uint8Array.of(0, 1, 2, 2), 3, 'auto').mode).toBe('classes');
    expect(checkReference(Uint8Array.of(0, 1, 2, 3), 3, 'foreground').mode).toBe('foreground');
    expect(MIN_EQUAL_NEIGHBOURS).toBe(0.5);
  });

  it('runInference carries the warning and the image reason in the run\'s warnings', async () => {
    const size = [16, 16, 16];
    const affine = [
      [1, 0, 0, 0],
      [0, 1, 0, 0],
      [0, 0, 1, 0],
      [0, 0, 0, 1],
    ];
    // an "image" reference: a noisy 8-bit volume (neighbours rarely agree), values up to 200
    const noisy = Uint8Array.from({ length: 16 ** 3 }, (_, i) => 1 + ((i * 37) % 200));
    const image: Volume = { data: Float32Array.from(noisy, (v) => v / 200), shape: size, spacing: [1, 1, 1], affine };
    const label: Volume = { data: noisy, shape: size, spacing: [1, 1, 1], affine };
    const r = await runInference({ image, label, runner: borderModel(), spec: fakeSpec(), options: { patchSize: 'whole', consistency: false } });
    expect(r.options.diceMode).toBe('foreground');
    expect(r.warnings).toContain('the reference has label 200 but the model only 2 classes (0…1): Dice and the patch performance map compare label > 0 with reference > 0');
    expect(r.warnings.some((w) => /^the reference has 200 distinct values \(uint8\) and only \d+ % of neighbouring non-zero voxels share a value .*: this looks like an image, not labels$/.test(w))).toBe(true);
  });
});
