/**
 * End-to-end: the real PatchLens UI in Debian's Chromium (SwiftShader WebGL) through the browser
 * transport (HTTP + WebSocket, token), with the real service host, compute worker, demo model and
 * demo data. The fixture every test stands on is made in `beforeAll`, not by a test: one
 * inference from the run panel (recording the page's frame gaps while it runs; `npm run bench`
 * prints their numbers) and one small sweep from the explorer. The tests check the run, the patch
 * performance heatmap's pixels against the run's own layer, opacity and colormap, a voxel's
 * windows, the viewer tools, the sweep's chart and recommendation, and the exported report (the
 * PDF exists, downloads and renders with pdftoppm).
 * Screenshots go to out/e2e/ (gitignored); docs/app-*.png are copies of them.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SessionState, VolumeData } from '../../shared/api/contract';
import type { SweepSummary } from '../../shared/sweep/types';
import { chromium } from '../helpers/enginePage';
import { commandTool, requireTools } from '../helpers/requireTool';
import { colorsAt, JOB_WAIT_MS, openApp, repo, runFromPanel, setRange, showRun, startSweepFromForm, waitRendered, waitUntil, type AppPage, type PanelRun } from './appPage';

const shots = resolve(repo, 'out', 'e2e');
const hasPdftoppm = requireTools('app.e2e (the report rendered with pdftoppm)', [commandTool('pdftoppm', 'apt-get install -y poppler-utils')]);

const call = <T>(app: AppPage, channel: string, args: unknown): Promise<T> => app.call<T>(channel, args);

describe.skipIf(!requireTools('app.e2e', [chromium]))('PatchLens app end to end (browser transport, real services)', { timeout: 300_000 }, () => {
  let app: AppPage;
  /** The fixture run: one inference from the run panel with the demo's default settings. */
  let first: PanelRun;
  /** The fixture sweep: patch 24, overlaps 0 and 0.5, from the explorer's form. */
  let sweepId: string;

  beforeAll(async () => {
    mkdirSync(shots, { recursive: true });
    app = await openApp();
    await waitRendered(app.page);
    first = await runFromPanel(app);
    sweepId = await sweepFromExplorer();
  }, 240_000 + 2 * JOB_WAIT_MS);

  /** Fills the explorer's sweep form, runs it and answers the sweep's id once it is recorded. */
  async function sweepFromExplorer(): Promise<string> {
    const { page } = app;
    await startSweepFromForm(page, '24', '0, 0.5');
    await page.waitForSelector('[data-testid="sweep-queued"]', { timeout: 30_000 });
    const sweeps = async () => (await call<SessionState>(app, 'session:get', {})).sweeps;
    await waitUntil('the explorer sweep', async () => (await sweeps()).length === 1, JOB_WAIT_MS, 1000);
    return (await sweeps())[0].id;
  }

  /** The viewer on the fixture run: only its heatmap (no reference labels), in `hot` at `opacity`. */
  async function viewFirstRunHeatmap(opacity: number): Promise<void> {
    const { page } = app;
    await showRun(page, first.run.id);
    const reference = page.getByTestId('overlay-visible-reference');
    if (await reference.isChecked()) await reference.uncheck();
    const heat = page.getByTestId('overlay-visible-tiledPerformance');
    if (!(await heat.isChecked())) await heat.check();
    await page.getByTestId('overlay-colormap-tiledPerformance').selectOption('hot');
    await setRange(page, 'overlay-opacity-tiledPerformance', opacity);
    await waitRendered(page);
  }

  afterAll(async () => {
    if (app?.log.some((l) => l.startsWith('[pageerror]'))) console.log(app.log.filter((l) => l.startsWith('[pageerror]')).join('\n'));
    await app?.close();
  });

  it('opens on the bundled demo: image, labels and model, three rendered views', async () => {
    const { page } = app;
    await page.getByTestId('tab-viewer').click();
    const files = await page.getByTestId('open-files').innerText();
    expect(files).toContain('ch2-2mm_t1.nii.gz');
    expect(files).toContain('ch2-2mm_brain.nii.gz');
    expect(files).toContain('PatchLens demo brain mask');
    await waitRendered(page);
    for (const view of ['axial', 'sagittal', 'coronal']) {
      const box = (await page.getByTestId(`viewport-${view}`).boundingBox())!;
      const png = await page.screenshot();
      const pts = Array.from({ length: 25 }, (_, n) => ({ x: box.x + box.width * (0.3 + 0.1 * (n % 5)), y: box.y + box.height * (0.3 + 0.1 * Math.floor(n / 5)) }));
      const colors = await colorsAt(page, png, pts);
      const mean = colors.reduce((s, c) => s + (c[0] + c[1] + c[2]) / 3, 0) / colors.length;
      expect(mean, `${view} view is black`).toBeGreaterThan(20);
    }
    expect(app.log.filter((l) => l.startsWith('[pageerror]'))).toEqual([]);
  });

  it('runs one inference from the run panel with progress, and the page keeps drawing frames', async () => {
    const { page } = app;
    // Frame gaps while the fixture run went (the compute runs in main's worker thread, not in the page).
    const { gaps, session, run } = first;
    const maxGap = gaps[gaps.length - 1];
    const p99 = gaps[Math.floor(gaps.length * 0.99)];
    console.log(`app.e2e: ${gaps.length} frames while the run was going, frame gap p99 ${p99.toFixed(1)} ms, max ${maxGap.toFixed(1)} ms`);
    // The page kept drawing while main's worker computed (the frame-gap numbers themselves are a
    // speed measurement: `npm run bench` prints them, a test on a busy machine must not judge them).
    expect(gaps.length).toBeGreaterThan(0);

    expect(session.runs).toHaveLength(1);
    expect(session.runs[0]).toEqual(run);
    await page.getByTestId('tab-viewer').click();
    expect(run.settings).toEqual({ patchSize: [24, 24, 24], overlap: 0.5, placement: 'stride', blend: 'gaussian', measure: 'absoluteError' });
    expect(run.dice).toBeGreaterThan(0.9);
    const row = page.getByTestId('run-row');
    await expect.poll(() => row.getAttribute('data-run-id')).toBe(run.id);
    expect(await row.getByTestId('run-dice').innerText()).toContain(run.dice!.toFixed(3).slice(0, 4));
    await waitRendered(page);
  });

  it('shows the patch performance heatmap where the run has it, and follows opacity and colormap', async () => {
    const { page } = app;
    const { run } = first;
    const layer = await call<VolumeData>(app, 'run:layer', { runId: run.id, layer: 'tiledPerformance' });
    const [nk, nj, ni] = layer.shape;
    expect(layer.shape).toEqual([91, 109, 91]);
    // Only the heatmap: reference labels off.
    await viewFirstRunHeatmap(0.6);

    // Probe a grid of points in the axial view (off the centre, where the crosshair lines are):
    // which voxel the readout names there and the run's map value at that voxel.
    const box = (await page.getByTestId('viewport-axial').boundingBox())!;
    const probes: { x: number; y: number; value: number | null }[] = [];
    for (let a = 0; a < 9; a++) {
      for (let b = 0; b < 9; b++) {
        const x = box.x + box.width * (0.053 + 0.115 * a);
        const y = box.y + box.height * (0.053 + 0.115 * b);
        await page.mouse.move(x, y);
        await page.waitForTimeout(30);
        const text = await page.getByTestId('readout-voxel').innerText();
        const m = /\[(\d+), (\d+), (\d+)\]/.exec(text);
        let value: number | null = null;
        if (m) {
          const [k, j, i] = [Number(m[1]), Number(m[2]), Number(m[3])];
          if (k < nk && j < nj && i < ni) value = layer.data[(k * nj + j) * ni + i];
        }
        probes.push({ x, y, value });
      }
    }
    await page.mouse.move(1, 1);
    const inside = probes.filter((p) => p.value !== null && p.value > 0);
    const empty = probes.filter((p) => p.value === null || p.value === 0);
    expect(inside.length, 'probes on the heatmap').toBeGreaterThan(10);
    expect(empty.length, 'probes off the heatmap').toBeGreaterThan(3);

    await waitRendered(page);
    const withHeat = await colorsAt(page, await page.screenshot(), probes);
    await page.screenshot({ path: join(shots, 'viewer-heatmap.png') });
    await setRange(page, 'overlay-opacity-tiledPerformance', 0);
    await waitRendered(page);
    const without = await colorsAt(page, await page.screenshot({ path: join(shots, 'viewer-opacity0.png') }), probes);
    await setRange(page, 'overlay-opacity-tiledPerformance', 0.6);
    await page.getByTestId('overlay-colormap-tiledPerformance').selectOption('viridis');
    await waitRendered(page);
    const viridis = await colorsAt(page, await page.screenshot(), probes);

    const redShift = (c: number[]) => c[0] - c[2];
    const idx = (p: (typeof probes)[number]) => probes.indexOf(p);
    // Opacity 0 shows the grey image alone (r ≈ g ≈ b), except where a probe hits a crosshair line.
    const onImage = inside.filter((p) => Math.abs(redShift(without[idx(p)])) < 12);
    expect(onImage.length / inside.length, 'heatmap probes that are grey at opacity 0').toBeGreaterThan(0.9);
    // Hot colours (red over blue) where the map is, and nothing changes where it is not.
    const warmed = onImage.filter((p) => redShift(withHeat[idx(p)]) - redShift(without[idx(p)]) > 15);
    console.log(`app.e2e: heatmap probes ${inside.length} (least red shift ${Math.min(...onImage.map((p) => redShift(withHeat[idx(p)]) - redShift(without[idx(p)])))}), off-map probes ${empty.length}`);
    expect(warmed.length / onImage.length, 'share of heatmap probes that turn hot').toBeGreaterThan(0.9);
    for (const p of empty) {
      const d = Math.max(...withHeat[idx(p)].map((v, c) => Math.abs(v - without[idx(p)][c])));
      expect(d, `pixel at (${p.x.toFixed(0)}, ${p.y.toFixed(0)}) changed without heatmap data`).toBeLessThan(10);
    }
    // viridis: green/blue instead of red.
    const greener = onImage.filter((p) => viridis[idx(p)][1] - viridis[idx(p)][0] > withHeat[idx(p)][1] - withHeat[idx(p)][0] + 15);
    expect(greener.length / onImage.length, 'share of heatmap probes that turn viridis').toBeGreaterThan(0.9);
    await page.getByTestId('overlay-colormap-tiledPerformance').selectOption('hot');
    await setRange(page, 'overlay-opacity-tiledPerformance', 0.5);
    await waitRendered(page);
  });

  it('inspects a voxel: the windows that covered it, each with its own prediction', async () => {
    const { page } = app;
    const { run } = first;
    await showRun(page, run.id);
    const box = (await page.getByTestId('viewport-axial').boundingBox())!;
    await page.keyboard.down('Alt');
    await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
    await page.keyboard.up('Alt');
    await page.waitForSelector('[data-testid="inspector-table"]', { timeout: 30_000 });
    const rows = await page.getByTestId('inspector-row').count();
    // Overlap 0.5 in 3-D: up to 8 windows cover a voxel, at least one.
    expect(rows).toBeGreaterThanOrEqual(1);
    expect(rows).toBeLessThanOrEqual(8);
    const voxelText = await page.getByTestId('inspector-voxel').innerText();
    const m = /(\d+), (\d+), (\d+)/.exec(voxelText)!;
    const inspect = await call<{ windows: unknown[] }>(app, 'run:inspect', { runId: run.id, voxel: [Number(m[1]), Number(m[2]), Number(m[3])] });
    expect(rows).toBe(inspect.windows.length);
    await page.screenshot({ path: join(shots, 'viewer.png') });
  });

  it('viewer tools: H toggles the heatmap, window presets, arrow keys, the error map and the patch grid', async () => {
    const { page } = app;
    // The viewer shows the fixture run's heatmap first: the tab and the view do not depend on an earlier test.
    await viewFirstRunHeatmap(0.5);
    const box = (await page.getByTestId('viewport-axial').boundingBox())!;
    // A dense grid over the axial view, off the centre lines where the crosshairs are.
    const grid = Array.from({ length: 31 * 31 }, (_, n) => ({ x: box.x + box.width * (0.023 + 0.0316 * (n % 31)), y: box.y + box.height * (0.023 + 0.0316 * Math.floor(n / 31)) }));
    const central = grid.filter((p) => Math.abs(p.x - (box.x + box.width / 2)) < box.width * 0.25 && Math.abs(p.y - (box.y + box.height / 2)) < box.height * 0.25 && Math.abs(p.x - (box.x + box.width / 2)) > 4 && Math.abs(p.y - (box.y + box.height / 2)) > 4);
    const shot = async (pts: { x: number; y: number }[]) => {
      await waitRendered(page);
      return colorsAt(page, await page.screenshot(), pts);
    };
    const meanGrey = (cs: number[][]) => cs.reduce((a, c) => a + (c[0] + c[1] + c[2]) / 3, 0) / cs.length;
    const reddish = (cs: number[][]) => cs.filter((c) => c[0] - c[2] > 20).length / cs.length;

    // H (focus in the viewer, not in a text field) toggles the heatmap overlay.
    await page.getByTestId('viewer-workspace').focus();
    const heat = page.getByTestId('overlay-visible-tiledPerformance');
    expect(await heat.isChecked()).toBe(true);
    const hot = reddish(await shot(central));
    await page.keyboard.press('h');
    await expect.poll(() => heat.isChecked()).toBe(false);
    const grey = await shot(central);
    expect(hot, 'heatmap on: share of reddish pixels').toBeGreaterThan(0.8);
    expect(reddish(grey), 'heatmap off (H)').toBeLessThan(0.05);

    // Window presets: CT bone (W2000 L500) makes this 0–255 MR image dark; MR auto brings it back.
    const mrAuto = meanGrey(grey);
    await page.getByTestId('window-preset').selectOption('ctBone');
    const bone = meanGrey(await shot(central));
    await page.getByTestId('window-preset').selectOption('mrAuto');
    const back = meanGrey(await shot(central));
    console.log(`app.e2e: mean grey MR auto ${mrAuto.toFixed(1)}, CT bone ${bone.toFixed(1)}, MR auto again ${back.toFixed(1)}`);
    expect(bone).toBeLessThan(mrAuto * 0.6);
    expect(Math.abs(back - mrAuto)).toBeLessThan(mrAuto * 0.05);

    // Arrow up: the next slice of the focused view.
    const label = page.getByTestId('slice-label-axial');
    const [index, count] = (await label.innerText()).split('/').map(Number);
    await page.getByTestId('viewer-workspace').focus();
    await page.keyboard.press('ArrowUp');
    await expect.poll(() => label.innerText()).toBe(`${index + 1}/${count}`);

    // Error map: false positives magenta, false negatives cyan, nowhere else.
    const magentaOrCyan = (cs: number[][]) => cs.filter((c) => (c[0] > 150 && c[2] > 150 && c[1] < 110) || (c[1] > 150 && c[2] > 150 && c[0] < 110)).length;
    expect(magentaOrCyan(await shot(grid))).toBe(0);
    await page.getByTestId('overlay-visible-error').check();
    await setRange(page, 'overlay-opacity-error', 1);
    const errors = magentaOrCyan(await shot(grid));
    await page.getByTestId('overlay-visible-error').uncheck();
    console.log(`app.e2e: error-map pixels on the axial grid ${errors} of ${grid.length}`);
    expect(errors).toBeGreaterThan(0);
    expect(errors).toBeLessThan(grid.length * 0.2);

    // Patch grid: window outlines change some pixels in lines, not the whole view.
    const before = await shot(grid);
    await page.getByTestId('overlay-visible-gridOutline').check();
    await setRange(page, 'overlay-opacity-gridOutline', 1);
    const outlined = await shot(grid);
    await page.getByTestId('overlay-visible-gridOutline').uncheck();
    const changed = grid.filter((_, n) => Math.max(...outlined[n].map((v, c) => Math.abs(v - before[n][c]))) > 40).length;
    console.log(`app.e2e: patch-grid pixels changed ${changed} of ${grid.length}`);
    expect(changed).toBeGreaterThan(grid.length * 0.02);
    expect(changed).toBeLessThan(grid.length * 0.6);

    await page.getByTestId('viewer-workspace').focus();
    await page.keyboard.press('h');
    await expect.poll(() => heat.isChecked()).toBe(true);
  });

  it('runs a small sweep from the explorer and shows the charts, the Pareto front and the recommendation', async () => {
    const { page } = app;
    await page.getByTestId('tab-explorer').click();
    expect((await call<SessionState>(app, 'session:get', {})).sweeps.map((s) => s.id)).toEqual([sweepId]);
    const summary = await call<SweepSummary>(app, 'sweep:summary', { sweepId });
    expect(summary.configs.length).toBe(4);
    await page.waitForSelector('[data-testid="chart-dice-time"] svg', { timeout: 60_000 });
    expect(await page.locator('[data-testid="chart-dice-time"] g.config-dot circle').count()).toBe(summary.configs.length);
    expect(await page.locator('[data-testid="chart-dice-time"] g.pareto-front').count()).toBe(1);
    await page.waitForSelector('[data-testid="chart-overlap-time"] svg');
    const card = await page.getByTestId('recommendation-config').innerText();
    expect(summary.recommendation).not.toBeNull();
    expect(card).toContain(summary.recommendation!.configId);
    await page.screenshot({ path: join(shots, 'explorer.png'), fullPage: false });
  });

  it('shows a configuration clicked in the explorer in the viewer (runs it when there is no run yet)', async () => {
    const { page } = app;
    const { run } = first;
    await page.getByTestId('tab-explorer').click();
    await page.getByTestId('sweep-picker').selectOption(sweepId);
    await page.locator('[data-testid="config-row"][data-config-id="p24-o0-stride-constant-tta0"]').click();
    await expect.poll(async () => (await call<SessionState>(app, 'session:get', {})).runs.length, { timeout: 120_000, interval: 500 }).toBe(2);
    const session = await call<SessionState>(app, 'session:get', {});
    const shown = session.runs.find((r) => r.id !== run.id)!;
    expect(shown.settings).toEqual({ patchSize: [24, 24, 24], overlap: 0, placement: 'stride', blend: 'constant', measure: 'absoluteError' });
    await expect.poll(() => page.locator('[data-testid="run-row"].selected').getAttribute('data-run-id')).toBe(shown.id);
    expect(await page.getByTestId('panel-viewer').isVisible()).toBe(true);
    await waitRendered(page);
    expect(await page.getByTestId('overlay-row-gridOutline').count()).toBe(1);
  });

  it('keyboard: Ctrl+Enter starts a run and Esc cancels it; nothing half-written is kept', async () => {
    const { page } = app;
    const before = (await call<SessionState>(app, 'session:get', {})).runs.length;
    await page.locator('body').click({ position: { x: 5, y: 5 } });
    await page.keyboard.press('Control+Enter');
    await page.waitForSelector('[data-testid="job"][data-state="running"]', { timeout: 30_000 });
    await page.keyboard.press('Escape');
    await page.waitForSelector('[data-testid="job"][data-state="cancelled"]', { timeout: 30_000 });
    const session = await call<SessionState>(app, 'session:get', {});
    expect(session.runs.length).toBe(before);
    expect(session.jobs.some((j) => j.kind === 'inference' && j.state === 'cancelled')).toBe(true);
  });

  it('exports the report: the PDF is written, downloads over the transport and renders', async () => {
    const { page } = app;
    await page.getByTestId('tab-explorer').click();
    await page.getByTestId('export-report').click();
    await page.waitForSelector('[data-testid="export-pdf"]', { timeout: 180_000 });
    const pdfPath = await page.getByTestId('export-pdf').innerText();
    expect(existsSync(pdfPath)).toBe(true);
    expect(statSync(pdfPath).size).toBeGreaterThan(10_000);
    expect(readFileSync(pdfPath).subarray(0, 5).toString()).toBe('%PDF-');
    const href = await page.getByTestId('export-pdf-link').getAttribute('href');
    const res = await page.request.get(new URL(href!, app.server.url).href);
    expect(res.status()).toBe(200);
    expect((await res.body()).subarray(0, 5).toString()).toBe('%PDF-');
    if (hasPdftoppm) {
      const out = join(shots, 'report');
      const r = spawnSync('pdftoppm', ['-png', '-r', '50', '-f', '1', '-l', '1', pdfPath, out]);
      expect(r.status).toBe(0);
      expect(existsSync(`${out}-1.png`) || existsSync(`${out}-01.png`)).toBe(true);
    }
  });

  it('bad input gets a clear error and changes nothing; a dropped label map opens', async () => {
    const { page } = app;
    const before = await call<SessionState>(app, 'session:get', {});
    await page.getByTestId('upload-image').setInputFiles({ name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('not an image') });
    const alert = page.locator('[data-testid="notices"] [role="alert"]').last();
    await expect.poll(() => alert.innerText(), { timeout: 30_000 }).toContain('notes.txt');
    const after = await call<SessionState>(app, 'session:get', {});
    expect(after.image).toEqual(before.image);
    expect(after.runs.map((r) => r.id)).toEqual(before.runs.map((r) => r.id));

    // Drag and drop (browser transport: the dropped bytes are uploaded to main).
    const bytes = readFileSync(resolve(repo, 'demo/data/ch2-2mm-mirrored_brain.nii.gz')).toString('base64');
    const transfer = await page.evaluateHandle((b64) => {
      const dt = new DataTransfer();
      dt.items.add(new File([Uint8Array.from(atob(b64), (c) => c.charCodeAt(0))], 'ch2-2mm-mirrored_brain.nii.gz'));
      return dt;
    }, bytes);
    await page.dispatchEvent('[data-testid="app"]', 'dragover', { dataTransfer: transfer });
    await page.dispatchEvent('[data-testid="app"]', 'drop', { dataTransfer: transfer });
    await expect.poll(async () => (await call<SessionState>(app, 'session:get', {})).label?.name, { timeout: 30_000 }).toBe('ch2-2mm-mirrored_brain.nii.gz');
    await expect.poll(() => page.getByTestId('open-files').innerText()).toContain('ch2-2mm-mirrored_brain.nii.gz');
    await page.getByTestId('tab-viewer').click();
    await waitRendered(page);
  });
});
