/**
 * Cases of the `cli` target: argument lists of `patchlens infer | sweep | report` built from
 * valid ones and mutated — numbers at and beyond their ranges (1e9, -0, NaN, Infinity, hex,
 * exponents, Unicode digits, huge digit strings), empty strings, unknown and repeated flags,
 * `--flag=value` forms, paths with NUL — plus the image shape that the parsed patch and overlap
 * are then planned on (the window-count limit).
 */
import type { Corpus } from '../corpus';
import type { Rng } from '../rng';
import type { CaseInput } from '../types';

const NUMBERS = [
  '0', '1', '2', '8', '16', '24', '64', '1024', '1025', '256', '257', '100', '101', '0.5', '0.95', '0.96', '1', '.5', '5.', '1e9', '1e3', '-0', '-1', '+3', 'NaN', 'Infinity',
  '-Infinity', '0x10', '0b1', '0o7', '1_000', ' 64', '64 ', '', ' ', '٣', '６４', '9'.repeat(400), '0'.repeat(30) + '1', '1.0000000000000002', '4.9e-324', '64,64', '64,64,64',
  '64,64,64,64', '8x8x8', '8x8', ',', '64,', ',64', '0.5,0.5,0.5', '64\0', '0.2.3', '1/2', '0/1', '2/2', '-1/2', '0/0', '0/10000', '0/10001', '9999/10000', '00001/3',
];
const PATHS = ['a.nii.gz', 'b.nii', 'demo/model', 'out/x', '', ' ', '-', '--image', 'a\0b.nii.gz', '../../../etc/passwd', 'x'.repeat(5000), 'a:b', 'a=b:c', 'id=a.nii.gz:b.nii.gz', 'a.nii.gz:b.nii.gz'];
const WORDS = ['stride', 'spread', 'gaussian', 'constant', 'crop', 'hann', 'performance-weighted', 'gaussian-nnunet', 'auto', 'cpu', 'wasm', 'webgl', 'edge', 'none', 'classes', 'foreground', 'crossEntropy', 'absoluteError', 'diceError', 'on', 'off', 'patch', 'each', 'whole', 'max-dice', 'max-efficiency', 'fastest-within:0.5%', 'fastest-within:100%', 'fastest-within-abs:2', 'fastest-above:0.9', 'fastest-above:NaN', 'x'];

const INFER_FLAGS: Record<string, 'number' | 'path' | 'word' | 'bool'> = {
  image: 'path', label: 'path', model: 'path', out: 'path', patch: 'number', overlap: 'number', placement: 'word', blend: 'word', batch: 'number', backend: 'word', pad: 'word', measure: 'word',
  dice: 'word', 'max-image-gib': 'number', force: 'bool', 'no-crop': 'bool', 'no-consistency': 'bool', verbose: 'bool', quiet: 'bool', help: 'bool',
};
const SWEEP_FLAGS: Record<string, 'number' | 'path' | 'word' | 'bool'> = {
  model: 'path', case: 'path', out: 'path', patch: 'number', overlap: 'number', placement: 'word', blend: 'word', mirror: 'word', repeats: 'number', warmup: 'word', batch: 'number', measure: 'word',
  dice: 'word', 'no-crop': 'bool', backend: 'word', shard: 'number', machine: 'path', resume: 'bool', 'no-resume': 'bool', 'predict-only': 'bool', force: 'bool', 'max-image-gib': 'number', rule: 'word',
  merge: 'path', verbose: 'bool', quiet: 'bool', help: 'bool',
};
const REPORT_FLAGS: Record<string, 'number' | 'path' | 'word' | 'bool'> = { out: 'path', force: 'bool', 'no-pdf': 'bool', quiet: 'bool', verbose: 'bool', help: 'bool' };

/** A value for a flag of `kind`. */
function value(rng: Rng, kind: string): string {
  if (kind === 'number' || rng.chance(0.1)) return rng.chance(0.15) ? rng.pick(NUMBERS) + ',' + rng.pick(NUMBERS) : rng.pick(NUMBERS);
  if (kind === 'path') return rng.pick(PATHS);
  return rng.pick(WORDS);
}

/** One random case of the cli target. */
export function generateCli(rng: Rng, _corpus: Corpus): { name: string; input: CaseInput } {
  const command = rng.pick(['infer', 'infer', 'sweep', 'sweep', 'report']);
  const flags = command === 'infer' ? INFER_FLAGS : command === 'sweep' ? SWEEP_FLAGS : REPORT_FLAGS;
  const argv: string[] =
    command === 'infer'
      ? ['--image', 'a.nii.gz', '--model', 'demo/model', '--out', 'out/x']
      : command === 'sweep'
        ? ['--model', 'demo/model', '--case', 'a.nii.gz:b.nii.gz', '--out', 'out/s']
        : ['out/s'];
  const names = Object.keys(flags);
  const extra = rng.int(0, 5);
  for (let k = 0; k < extra; k++) {
    const flag = rng.chance(0.05) ? rng.pick(['unknown', 'patchsize', 'PATCH', '', '-', 'h', 'patch-', 'no-patch']) : rng.pick(names);
    const kind = flags[flag] ?? 'word';
    const dashes = flag === 'h' ? '-' : '--';
    if (kind === 'bool') argv.push(rng.chance(0.9) ? `${dashes}${flag}` : `${dashes}${flag}=${rng.pick(['true', 'false', ''])}`);
    else if (rng.chance(0.15)) argv.push(`${dashes}${flag}=${value(rng, kind)}`);
    else argv.push(`${dashes}${flag}`, ...(rng.chance(0.95) ? [value(rng, kind)] : []));
  }
  const notes: string[] = [];
  const rounds = rng.pick([0, 0, 1, 2]);
  for (let r = 0; r < rounds && argv.length > 0; r++) {
    const i = rng.int(0, argv.length - 1);
    switch (rng.int(0, 3)) {
      case 0:
        argv.splice(i, 1);
        notes.push(`argument ${i} removed`);
        break;
      case 1:
        argv.splice(i, 0, argv[i]);
        notes.push(`argument ${i} repeated`);
        break;
      case 2:
        argv[i] = rng.pick([...NUMBERS, ...PATHS, '--', '-', '--=', '---patch', '-x']);
        notes.push(`argument ${i} replaced`);
        break;
      default:
        argv.push(...argv.slice(i, i + 2));
        notes.push(`arguments ${i}… repeated at the end`);
    }
  }
  const shape = rng.pick([[91, 109, 91], [181, 217, 181], [8, 8, 8], [1, 1, 1], [256, 256, 256], [rng.int(1, 300), rng.int(1, 300), rng.int(1, 300)]]);
  return { name: [`${command} ${JSON.stringify(argv).slice(0, 200)}`, ...notes].join('; '), input: { mode: command, argv, shape } };
}
