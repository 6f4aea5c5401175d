/** `patchlens report <sweep-dir>`: arguments, one-line errors, the files it writes, its last output line. */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseReportArgs, REPORT_HELP, runReportCommand } from '../../src-cli/reportCommand';
import { InputError, UsageError } from '../../src-cli/usageError';
import { chromiumPrinter, ChromiumNotFoundError } from '../../src-node/report/renderPdf';
import { existingReportTargets, reportTargetsFor, writeReport } from '../../src-node/report/writeReport';
import { buildSweepFixture } from '../src-node/report/fixtures/buildSweepFixture';
import { runReport } from './runReport';

const tmp = mkdtempSync(join(tmpdir(), 'patchlens-report-cli-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const run = (...argv: string[]) => runReport(argv);

describe('patchlens report', () => {
  it('parses its arguments', () => {
    expect(parseReportArgs(['dir'])).toEqual({ sweepDir: 'dir', out: null, pdf: true, force: false, quiet: false, help: false, findings: null, image: null, labels: null });
    expect(parseReportArgs(['--no-pdf', 'dir', '--out', 'o', '--quiet', '--verbose', '--force'])).toEqual({ sweepDir: 'dir', out: 'o', pdf: false, force: true, quiet: true, help: false, findings: null, image: null, labels: null });
    expect(parseReportArgs(['--out=o2', 'dir']).out).toBe('o2');
    expect(parseReportArgs(['-h']).help).toBe(true);
  });

  it('prints its help', async () => {
    const r = await run('--help');
    expect(r.error).toBeNull();
    expect(r.out).toBe(REPORT_HELP);
    expect(r.out).toContain('patchlens report <sweep-dir>');
    for (const o of ['--out <dir>', '--force', '--no-pdf', '--help']) expect(r.out).toContain(o);
  });

  it('reports bad usage and bad input in one line', async () => {
    const cases: [string[], typeof UsageError | typeof InputError, RegExp][] = [
      [[], UsageError, /give the sweep folder/],
      [['--frobnicate', 'x'], UsageError, /unknown option "--frobnicate"/],
      [['a', 'b'], UsageError, /one sweep folder only/],
      [['x', '--out'], UsageError, /--out needs a folder/],
      [[join(tmp, 'missing')], InputError, /the sweep folder .*missing does not exist/],
      [[buildSweepFixture(join(tmp, 'no-summary'), { omit: ['summary'] }), '--no-pdf'], InputError, /summary\.json is missing/],
    ];
    for (const [argv, type, message] of cases) {
      const { error } = await run(...argv);
      expect(error, argv.join(' ')).toBeInstanceOf(type);
      expect(error!.message, argv.join(' ')).toMatch(message);
      expect(error!.message).not.toContain('\n');
    }
  });

  it('writes the HTML and JSON with --no-pdf into --out and prints the HTML path last', async () => {
    const dir = buildSweepFixture(join(tmp, 'sweep'));
    const out = join(tmp, 'out');
    const r = await run(dir, '--no-pdf', '--out', out);
    expect(r.error).toBeNull();
    const lines = r.out.trim().split('\n');
    expect(lines).toEqual([resolve(out, 'report.json'), resolve(out, 'report.html')]);
    expect(lines.at(-1)).toBe(resolve(out, 'report.html'));
    expect(existsSync(join(out, 'report.html')) && existsSync(join(out, 'report.json'))).toBe(true);
    expect(existsSync(join(out, 'report.pdf'))).toBe(false);
    expect(r.err).toContain('warning: machine "ws-02" measured nothing');
    const quiet = await run(dir, '--no-pdf', '--out', out, '--quiet');
    expect(quiet.err).toBe('');
  });

  it('refuses an --out holding the report of another sweep unless --force; rewrites the same sweep’s report', async () => {
    const a = buildSweepFixture(join(tmp, 'sweep-a'));
    const b = buildSweepFixture(join(tmp, 'sweep-b'));
    const out = join(tmp, 'shared-out');
    expect((await run(a, '--no-pdf', '--out', out, '--quiet')).error).toBeNull();
    const before = readFileSync(join(out, 'report.json'), 'utf8');
    const refused = await run(b, '--no-pdf', '--out', out, '--quiet');
    expect(refused.error).toBeInstanceOf(InputError);
    expect(refused.error!.message).toBe(`report: --out ${out} holds the report of another sweep (${a}, model model5_gw_ae); add --force to replace it, or choose another --out`);
    expect(readFileSync(join(out, 'report.json'), 'utf8')).toBe(before); // it used to be replaced without asking
    expect((await run(a, '--no-pdf', '--out', out, '--quiet')).error).toBeNull(); // the same sweep again
    expect((await run(b, '--no-pdf', '--out', out, '--quiet', '--force')).error).toBeNull();
    expect(JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')).provenance.sweepDir).toBe(b);
    // Files that are not a PatchLens report are not replaced either.
    const other = join(tmp, 'other-out');
    mkdirSync(other);
    writeFileSync(join(other, 'report.html'), '<p>my own report</p>');
    const notOurs = await run(a, '--no-pdf', '--out', other, '--quiet');
    expect(notOurs.error!.message).toMatch(/^report: --out .*other-out holds .*report\.html, which is not a PatchLens report .*; add --force to replace it/);
    expect(readFileSync(join(other, 'report.html'), 'utf8')).toBe('<p>my own report</p>');
  });

  it('never writes into the sweep’s own files (an --out inside results/)', async () => {
    const dir = buildSweepFixture(join(tmp, 'sweep-in'));
    const r = await run(dir, '--no-pdf', '--out', join(dir, 'results'), '--force');
    expect(r.error).toBeInstanceOf(InputError);
    expect(r.error!.message).toBe(`report: --out ${join(dir, 'results')} is inside the sweep's results folder ${join(dir, 'results')}; choose another --out`);
    expect(readdirSync(join(dir, 'results')).every((n) => !n.startsWith('report'))).toBe(true);
  });

  it('writes nothing until the PDF is printed: a failed print leaves the old report as it was', async () => {
    const dir = buildSweepFixture(join(tmp, 'sweep-print'));
    await run(dir, '--no-pdf', '--quiet');
    const old = ['report.html', 'report.json'].map((n) => `${readFileSync(join(dir, n), 'utf8')} ${statSync(join(dir, n)).mtimeMs}`);
    const failing = async () => {
      throw new Error('printer on fire');
    };
    await expect(runReportCommand([dir, '--quiet'], { out: () => undefined, err: () => undefined, isTTY: false }, { printToPdf: failing })).rejects.toThrow(/printer on fire/);
    expect(['report.html', 'report.json'].map((n) => `${readFileSync(join(dir, n), 'utf8')} ${statSync(join(dir, n)).mtimeMs}`)).toEqual(old); // they used to be rewritten before the print
    expect(existsSync(join(dir, 'report.pdf'))).toBe(false);
    expect(readdirSync(dir).filter((n) => n.startsWith('.patchlens-tmp-'))).toEqual([]);
  });

  it('an export under a chosen name writes a.pdf, a.html and a.json, and says which exist before replacing', async () => {
    const { PDFDocument } = await import('pdf-lib');
    const printToPdf = async () => {
      const doc = await PDFDocument.create();
      doc.addPage([595.28, 841.89]);
      return doc.save();
    };
    const dir = buildSweepFixture(join(tmp, 'sweep-export'));
    const targets = reportTargetsFor(join(tmp, 'exports', 'a.pdf'));
    expect(targets).toEqual({ pdf: join(tmp, 'exports', 'a.pdf'), html: join(tmp, 'exports', 'a.html'), json: join(tmp, 'exports', 'a.json') });
    mkdirSync(join(tmp, 'exports'));
    writeFileSync(targets.html, 'a page the user wrote');
    expect(existingReportTargets(targets)).toEqual([targets.html]);
    await expect(writeReport(dir, { files: targets, printToPdf })).rejects.toThrow(/^writeReport: outDir .*a\.\* holds .*a\.html, which is not a PatchLens report/);
    expect(readFileSync(targets.html, 'utf8')).toBe('a page the user wrote');
    const written = await writeReport(dir, { files: targets, printToPdf, force: true });
    expect([written.pdf, written.html, written.json]).toEqual([targets.pdf, targets.html, targets.json]);
    expect(readdirSync(join(tmp, 'exports')).sort()).toEqual(['a.html', 'a.json', 'a.pdf']);
  });

  it('says how to install Chromium when it is missing', async () => {
    await expect(chromiumPrinter({ executablePath: join(tmp, 'no-chromium') })('<html></html>')).rejects.toThrow(ChromiumNotFoundError);
    await expect(chromiumPrinter({ executablePath: join(tmp, 'no-chromium') })('<html></html>')).rejects.toThrow(/apt-get install -y chromium.*PATCHLENS_CHROMIUM.*--no-pdf/);
    const saved = process.env.PATCHLENS_CHROMIUM;
    process.env.PATCHLENS_CHROMIUM = join(tmp, 'no-chromium');
    try {
      const r = await run(buildSweepFixture(join(tmp, 'sweep2')));
      expect(r.error).toBeInstanceOf(InputError);
      expect(r.error!.message).toMatch(/^renderPdf: Chromium was not found at .*no-chromium; install it/);
    } finally {
      if (saved === undefined) delete process.env.PATCHLENS_CHROMIUM;
      else process.env.PATCHLENS_CHROMIUM = saved;
    }
  });

  it('prints the PDF with an injected printer (how the Electron app passes webContents.printToPDF)', async () => {
    const { PDFDocument } = await import('pdf-lib');
    let seen = '';
    const printToPdf = async (html: string) => {
      seen = html;
      const doc = await PDFDocument.create();
      doc.addPage([595.28, 841.89]);
      return doc.save();
    };
    const dir = buildSweepFixture(join(tmp, 'sweep3'));
    let out = '';
    await runReportCommand([dir, '--quiet'], { out: (s) => void (out += s), err: () => undefined, isTTY: false }, { printToPdf });
    expect(seen).toMatch(/^<!doctype html>/);
    const lines = out.trim().split('\n');
    expect(lines).toEqual([resolve(dir, 'report.json'), resolve(dir, 'report.pdf'), resolve(dir, 'report.html')]);
    const pdf = await PDFDocument.load((await import('node:fs')).readFileSync(lines[1]));
    expect(pdf.getTitle()).toBe('PatchLens report: model5_gw_ae');
  });
});
