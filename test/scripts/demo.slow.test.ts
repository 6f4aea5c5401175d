/**
 * `npm run demo` end to end (about a minute on 2 cores): the sweep over the bundled demo and the
 * report; the last line printed is the HTML report's absolute path.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runDemo } from '../../scripts/demo';

const out = join(mkdtempSync(join(tmpdir(), 'patchlens-demo-')), 'demo');
afterAll(() => rmSync(out, { recursive: true, force: true }));

describe('npm run demo', () => {
  it('runs the sweep on the bundled demo, writes the report, and prints its HTML path last', async () => {
    let stdout = '';
    let stderr = '';
    const t0 = performance.now();
    const code = await runDemo(out, [], { out: (s) => void (stdout += s), err: (s) => void (stderr += s), isTTY: false });
    console.log(`demo took ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    expect(stderr).not.toMatch(/error/);
    expect(code).toBe(0);
    // Progress from the first second: every stderr line carries the time since the start, the
    // first says what is being opened, and the sweep's pairs are counted k/24 as they go.
    const lines = stderr.trim().split('\n');
    expect(lines[0]).toMatch(/^\[ +0\.\d s\] demo: opening the model /);
    expect(lines.every((l) => /^\[ +\d+\.\d s\] /.test(l))).toBe(true);
    expect(lines.some((l) => / 24\/24 /.test(l))).toBe(true);
    expect(lines.some((l) => /\] demo: writing the report/.test(l))).toBe(true);
    const last = stdout.trim().split('\n').at(-1)!;
    expect(isAbsolute(last)).toBe(true);
    expect(last).toBe(join(out, 'report.html'));
    for (const f of ['report.html', 'report.pdf', 'report.json', 'summary.json', 'sweep.json']) expect(existsSync(join(out, f))).toBe(true);
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
    expect(summary.configs.length).toBe(12);
    expect(summary.recommendation.configId).toMatch(/^p24-/);
    const html = readFileSync(join(out, 'report.html'), 'utf8');
    expect(html).toContain('Recommended');
    expect(html).toContain('performance-weighted');
  }, 600_000);
});
