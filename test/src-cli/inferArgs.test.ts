// Numeric ranges of `patchlens infer` (issue 11 item 7): every numeric option has a range, in the
// help text and in its error, which names the option. On the old code `--patch 1e9` and
// `--batch 100000` were accepted (and failed later with "Invalid typed array length"), and
// --force / --max-image-gib did not exist.
import { describe, expect, it } from 'vitest';
import { INFER_HELP, parseInferArgs } from '../../src-cli/inferArgs';
import { UsageError } from '../../src-cli/usageError';

const base = ['--image', 'i.nii.gz', '--model', 'm', '--out', 'o'];
const parse = (...argv: string[]) => parseInferArgs([...base, ...argv]);
const bad = (...argv: string[]) => () => parse(...argv);

describe('patchlens infer: numeric options and their ranges', () => {
  it('--patch: integers in 1..1024, one or one per axis, or whole', () => {
    expect(parse('--patch', '1').patch).toEqual([1]);
    expect(parse('--patch', '1024').patch).toEqual([1024]);
    expect(parse('--patch', '64,96,32').patch).toEqual([64, 96, 32]);
    expect(parse('--patch', 'whole').patch).toBe('whole');
    expect(parse().patch).toBeUndefined();
    expect(bad('--patch', '1e9')).toThrow(new UsageError('infer: --patch must be an integer in 1..1024 or whole (one value, or one per axis separated by commas); got "1e9"'));
    for (const v of ['0', '1025', '-1', '64.5', '0x40', '', 'abc', '64,,64', 'Infinity']) expect(bad(`--patch=${v}`), v).toThrow(/^infer: --patch must be an integer in 1\.\.1024 or whole/);
    expect(bad('--patch', '64,64')).toThrow('infer: --patch takes one value or three (one per axis); got 2');
  });

  it('--overlap: numbers in [0, 0.9], one or per axis', () => {
    expect(parse().overlap).toEqual([0.5]);
    expect(parse('--overlap', '0').overlap).toEqual([0]);
    expect(parse('--overlap', '0.9').overlap).toEqual([0.9]);
    expect(parse('--overlap', '.25,0.5,0').overlap).toEqual([0.25, 0.5, 0]);
    expect(bad('--overlap', '0.91')).toThrow(new UsageError('infer: --overlap must be a number in [0, 0.9] (one value, or one per axis separated by commas); got "0.91"'));
    for (const v of ['0.95', '1', '1.2', '-0.1', '5e-1', 'NaN', '']) expect(bad(`--overlap=${v}`), v).toThrow(/^infer: --overlap must be a number in \[0, 0\.9\]/);
  });

  it('--batch: an integer in 1..256', () => {
    expect(parse().batch).toBe(1);
    expect(parse('--batch', '256').batch).toBe(256);
    expect(bad('--batch', '257')).toThrow(new UsageError('infer: --batch must be an integer in 1..256 (one value); got "257"'));
    for (const v of ['0', '100000', '2.5', '1,2,3', '1e2']) expect(bad(`--batch=${v}`), v).toThrow(/^infer: --batch must be an integer in 1\.\.256/);
  });

  it('--max-image-gib: a number in (0, 64], in bytes as maxImageBytes (default 2 GiB)', () => {
    expect(parse().maxImageBytes).toBe(2 * 2 ** 30);
    expect(parse('--max-image-gib', '64').maxImageBytes).toBe(64 * 2 ** 30);
    expect(parse('--max-image-gib', '0.5').maxImageBytes).toBe(2 ** 29);
    expect(bad('--max-image-gib', '0')).toThrow(new UsageError('infer: --max-image-gib must be a number in (0, 64] (GiB); got "0"'));
    for (const v of ['65', '-1', 'lots', '']) expect(bad(`--max-image-gib=${v}`), v).toThrow(/^infer: --max-image-gib must be a number in \(0, 64\]/);
  });

  it('--force: a flag (default off)', () => {
    expect(parse().force).toBe(false);
    expect(parse('--force').force).toBe(true);
    expect(bad('--force=yes')).toThrow(UsageError);
  });

  it('the help text gives every range and the new options', () => {
    for (const text of ['integers in 1..1024', 'overlap fraction in [0, 0.9]', 'windows per model call, 1..256', '--max-image-gib <n>', 'in GiB, (0, 64] (default 2)', '--force']) {
      expect(INFER_HELP).toContain(text);
    }
  });
});
