// Numeric ranges of `patchlens sweep` (issue 11 item 7). On the old code `--patch 1e9`,
// `--repeats 1000000` and `--shard 0/1e30` were accepted, and --force / --max-image-gib did not exist.
import { describe, expect, it } from 'vitest';
import { parseSweepArgs, SWEEP_HELP } from '../../src-cli/sweepArgs';
import { UsageError } from '../../src-cli/usageError';

const base = ['--model', 'm', '--case', 'i.nii:l.nii', '--out', 'o'];
const parse = (...argv: string[]) => parseSweepArgs([...base, ...argv]);
const bad = (...argv: string[]) => () => parse(...argv);

describe('patchlens sweep: numeric options and their ranges', () => {
  it('--patch: integers in 1..1024 per value and axis', () => {
    expect(parse('--patch', '1,1024,64x96x32').patch).toEqual([[1], [1024], [64, 96, 32]]);
    expect(bad('--patch', '64,1e9')).toThrow(new UsageError('sweep: --patch must be an integer in 1..1024 per value, comma-separated (per axis: 64x64x32); got "1e9"'));
    for (const v of ['0', '1025', '64x0x64', '-8', '32.5']) expect(bad(`--patch=${v}`), v).toThrow(/^sweep: --patch must be an integer in 1\.\.1024/);
  });

  it('--overlap: numbers in [0, 0.9]', () => {
    expect(parse().overlap).toEqual([[0], [0.25], [0.5]]);
    expect(parse('--overlap', '0.9,0.5x0.5x0').overlap).toEqual([[0.9], [0.5, 0.5, 0]]);
    expect(bad('--overlap', '0,1')).toThrow(new UsageError('sweep: --overlap must be a number in [0, 0.9] per value, comma-separated (per axis: 64x64x32); got "1"'));
    for (const v of ['0.95', '0.99', '-0.25', 'half']) expect(bad(`--overlap=${v}`), v).toThrow(/^sweep: --overlap must be a number in \[0, 0\.9\]/);
  });

  it('--repeats 1..100, --batch 1..256', () => {
    expect(parse().repeats).toBe(3);
    expect(parse('--repeats', '100', '--batch', '256')).toMatchObject({ repeats: 100, batch: 256 });
    expect(bad('--repeats', '0')).toThrow(new UsageError('sweep: --repeats must be an integer in 1..100; got "0"'));
    expect(bad('--repeats', '1000000')).toThrow(/--repeats must be an integer in 1\.\.100; got "1000000"/);
    expect(bad('--batch', '257')).toThrow(new UsageError('sweep: --batch must be an integer in 1..256; got "257"'));
    expect(bad('--batch', '1e2')).toThrow(/--batch must be an integer in 1\.\.256/);
  });

  it('--shard i/n with n ≤ 10000', () => {
    expect(parse('--shard', '9999/10000').shard).toEqual({ index: 9999, count: 10000 });
    expect(bad('--shard', '0/10001')).toThrow(new UsageError('sweep: --shard takes i/n with 0 ≤ i < n ≤ 10000 (e.g. 0/2); got "0/10001"'));
    expect(bad('--shard', '3/3')).toThrow(/--shard takes i\/n with 0 ≤ i < n ≤ 10000/);
  });

  it('--max-image-gib (0, 64] as maxImageBytes, and --force', () => {
    expect(parse()).toMatchObject({ maxImageBytes: 2 * 2 ** 30, force: false });
    expect(parse('--max-image-gib', '8', '--force')).toMatchObject({ maxImageBytes: 8 * 2 ** 30, force: true });
    expect(bad('--max-image-gib', '100')).toThrow(new UsageError('sweep: --max-image-gib must be a number in (0, 64] (GiB); got "100"'));
  });

  it('the help text gives every range and the new options', () => {
    for (const text of ['integers in 1..1024', 'overlaps in [0, 0.9]', 'timed runs per configuration and case, 1..100', 'windows per model call, 1..256', '(0 ≤ i < n ≤ 10000)', '--max-image-gib <n>', '(0, 64] (default 2)', '--force']) {
      expect(SWEEP_HELP).toContain(text);
    }
  });
});
