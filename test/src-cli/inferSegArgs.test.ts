/** `patchlens infer --seg-only / --nifti-only`: parsed, exclusive, in the help. */
import { describe, expect, it } from 'vitest';
import { INFER_HELP, parseInferArgs } from '../../src-cli/inferArgs';

const parse = (...argv: string[]) => parseInferArgs(['--image', 'dicom', '--model', 'm', '--out', 'o', ...argv]);

describe('infer label formats', () => {
  it('auto by default; --seg-only and --nifti-only choose', () => {
    expect(parse().labelFormat).toBe('auto');
    expect(parse('--seg-only').labelFormat).toBe('seg');
    expect(parse('--nifti-only').labelFormat).toBe('nifti');
  });

  it('refuses both at once', () => {
    expect(() => parse('--seg-only', '--nifti-only')).toThrow('infer: --seg-only and --nifti-only exclude each other (without either, a DICOM --image gets both)');
  });

  it('the help names labels.seg.dcm and both options', () => {
    expect(INFER_HELP).toContain('labels.seg.dcm');
    expect(INFER_HELP).toContain('--seg-only');
    expect(INFER_HELP).toContain('--nifti-only');
  });
});
