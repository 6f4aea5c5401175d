// A tour of the core API (the README shows this file verbatim; test/repo/readme.test.ts checks that it runs).
import { blendingWeights, patchGrid, patchStarts, PerformanceMap, recommendMargin, slidingWindow } from '../shared/index';

export async function apiTour(): Promise<string[]> {
  const log: string[] = [];
  // Placement: MONAI/TorchIO 'stride' and nnU-Net 'spread'.
  log.push(`stride ${patchStarts(110, 64, 0.5)}  spread ${patchStarts(110, 64, 0.5, 'spread')}`);
  log.push(`windows on 7×10 with 4×4 patches: ${patchGrid([7, 10], 4, 0.5).length}`);
  log.push(`MONAI gaussian, P=5: ${Array.from(blendingWeights(5, 'gaussian'), (w) => w.toFixed(4))}`);

  // A 2-D image (channels last) and a "model" that looks at its row neighbours, so it lacks
  // context at the patch's left and right border; each window's error against the reference is
  // accumulated in patch coordinates while the windows are stitched.
  const [h, w] = [48, 64];
  const image = { data: new Float32Array(h * w).map((_, i) => Math.sin(i / 3) * Math.cos(i / 97)), shape: [h, w, 1] };
  const model = (row: Float32Array) => row.map((v, x) => 1 / (1 + Math.exp(-8 * (v + (row[x - 1] ?? 0) + (row[x + 1] ?? 0)))));
  const reference = new Float32Array(h * w);
  for (let y = 0; y < h; y++) reference.set(model(image.data.subarray(y * w, y * w + w)), y * w);
  const map = new PerformanceMap([16, 16], 'absoluteError');
  const stitched = await slidingWindow(
    image,
    (batch, windows) => {
      const out = new Float32Array(batch.data.length);
      for (let r = 0; r < out.length; r += 16) out.set(model(batch.data.subarray(r, r + 16)), r);
      const err = new Float32Array(out.length);
      windows.forEach((win, k) => {
        for (let y = 0; y < 16; y++)
          for (let x = 0; x < 16; x++) {
            const p = k * 256 + y * 16 + x;
            err[p] = Math.abs(out[p] - reference[(win.start[0] + y) * w + win.start[1] + x]);
          }
      });
      map.add(err, windows.length);
      return { data: out, shape: batch.shape };
    },
    { patchSize: [16, 16], overlap: 0.5, blend: 'gaussian', batchSize: 4 },
  );
  log.push(`stitched ${stitched.shape} from ${map.count} windows`);

  // The map says how much border to discard; the overlap that discards it follows.
  const r = recommendMargin(map, { tolerance: 0.05 });
  log.push(`margin ${r.margin}, overlap ${r.overlap}, crop mean ${r.cropMean.toFixed(4)} vs full ${r.fullMean.toFixed(4)}`);
  return log;
}

if (import.meta.url === `file://${process.argv[1]}`) apiTour().then((lines) => console.log(lines.join('\n')));
