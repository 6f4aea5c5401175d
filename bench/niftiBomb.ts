/**
 * Peak memory of refusing a gzip bomb (issue 11 item 7): a ~4 MB `.nii.gz` whose header claims
 * 1024³ float32 (4 GiB) and whose body really inflates to 4 GiB of zeros. It is read in a fresh
 * child process through `readImageFile` (the CLI and app path), which must refuse it from its
 * header; the child's peak RSS (`process.resourceUsage().maxRSS`) is reported next to the RSS of a
 * child that only loads the same modules. Budget: < 300 MiB (the old reader inflated the whole
 * stream: RSS past 6 GB).
 *
 *   {"bench":"nifti_bomb","metric":"peak_rss","value":…,"unit":"MiB",…}
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'fflate';
import { readImageFile } from '../src-node/readInputFile';

const BUDGET_MIB = 300;
const MiB = 2 ** 20;

/** The bomb: a NIfTI-1 header claiming 1024³ float32, then 4 GiB of zeros in 256 gzip members of 16 MiB. */
export function niftiBombBytes(): Uint8Array {
  const header = new Uint8Array(352);
  const v = new DataView(header.buffer);
  v.setInt32(0, 348, true);
  [3, 1024, 1024, 1024, 1, 1, 1, 1].forEach((d, k) => v.setInt16(40 + 2 * k, d, true));
  v.setInt16(70, 16, true); // float32
  v.setInt16(72, 32, true);
  [1, 1, 1, 1].forEach((p, k) => v.setFloat32(76 + 4 * k, p, true));
  v.setFloat32(108, 352, true);
  v.setFloat32(112, 1, true);
  header.set([0x6e, 0x2b, 0x31, 0], 344); // "n+1\0"
  const zeros = gzipSync(new Uint8Array(16 * MiB), { level: 9, mtime: 0 });
  const parts = [gzipSync(header, { mtime: 0 }), ...new Array<Uint8Array>(256).fill(zeros)];
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** Runs this file as a child (`--child <path>` reads the bomb, `--baseline` only loads the modules); returns its JSON line. */
function child(args: string[]): Record<string, unknown> {
  const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..');
  const out = execFileSync(process.execPath, ['--import', 'tsx', resolve(repo, 'bench/niftiBomb.ts'), ...args], { cwd: repo, encoding: 'utf8', timeout: 120_000 });
  const line = out.split('\n').find((l) => l.startsWith('{'));
  if (!line) throw new Error(`niftiBomb: the child printed no result: ${out.slice(0, 200)}`);
  return JSON.parse(line) as Record<string, unknown>;
}

/** The bench line: peak RSS of the child that refuses the bomb. */
export async function niftiBombBench(emit: (line: Record<string, unknown>) => void): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'patchlens-bomb-'));
  try {
    const bytes = niftiBombBytes();
    const path = join(dir, 'bomb.nii.gz');
    writeFileSync(path, bytes);
    const baseline = child(['--baseline']);
    const r = child(['--child', path]);
    const peak = Number(r.max_rss_mib);
    emit({
      bench: 'nifti_bomb',
      metric: 'peak_rss',
      value: peak,
      unit: 'MiB',
      budget_mib: BUDGET_MIB,
      budget_ok: peak < BUDGET_MIB && r.refused === true,
      baseline_rss_mib: baseline.max_rss_mib,
      file_bytes: bytes.length,
      declared: '1024x1024x1024 float32 (4 GiB)',
      refused: r.refused,
      ms: r.ms,
      message: r.message,
    });
  } catch (e) {
    emit({ bench: 'nifti_bomb', skipped: (e as Error).message.split('\n')[0] });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** In the child: read the bomb (or nothing) and print the peak RSS. */
function runChild(argv: string[]): void {
  const maxRssMib = () => Math.round(process.resourceUsage().maxRSS / 1024); // maxRSS is in KiB
  if (argv[0] === '--baseline') {
    process.stdout.write(`${JSON.stringify({ max_rss_mib: maxRssMib() })}\n`);
    return;
  }
  const t0 = performance.now();
  let refused = false;
  let message = '';
  try {
    readImageFile('--image', argv[1]);
    message = 'read without error';
  } catch (e) {
    refused = true;
    message = (e as Error).message;
  }
  process.stdout.write(`${JSON.stringify({ max_rss_mib: maxRssMib(), refused, message, ms: Math.round(performance.now() - t0) })}\n`);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const argv = process.argv.slice(2);
  if (argv[0] === '--child' || argv[0] === '--baseline') runChild(argv);
  else niftiBombBench((line) => process.stdout.write(`${JSON.stringify(line)}\n`)).catch((e: unknown) => {
    console.error(e);
    process.exitCode = 1;
  });
}
