/**
 * The viewer's test page: mounts ViewerWorkspace with a fake Api that serves a NIfTI image from
 * the test server and a synthetic tiledPerformance layer (high in one box), and exposes helpers
 * that read the rendered pixels of a view.
 */
import { mount } from 'svelte';
import { getEnabledElement, type Types } from '@cornerstonejs/core';
import type { InspectResult, RunRecord, SessionState, VolumeData } from '../../../../shared/api/contract';
import type { Api } from '../../../../shared/api/transport';
import { readNifti } from '../../../../shared/io/nifti';
import ViewerWorkspace from '../../../../src-renderer/viewer/ViewerWorkspace.svelte';
import { voxelToWorld } from '../../../../src-renderer/viewer/model/voxelIndex';
import type { MountViewerArgs, PixelStats } from './viewerPageTypes';

let box: MountViewerArgs['highBox'] | null = null;
let imageVolume: VolumeData | null = null;

function viewportOf(view: string): Types.IVolumeViewport {
  const el = document.querySelector<HTMLDivElement>(`[data-testid="viewport-${view}"]`);
  if (!el) throw new Error(`test page: no viewport-${view}`);
  return getEnabledElement(el)!.viewport as Types.IVolumeViewport;
}

/** A stand-in SHA-256 shared by the image and its run (the viewer matches runs to images by it). */
const IMAGE_SHA256 = 'a'.repeat(64);

window.mountViewer = async ({ imageUrl, highBox, runId = 'r1' }) => {
  const res = await fetch(imageUrl);
  if (!res.ok) throw new Error(`test page: GET ${imageUrl} answered ${res.status}`);
  const nifti = readNifti(new Uint8Array(await res.arrayBuffer()));
  const image: VolumeData = { shape: nifti.shape, spacing: nifti.spacing, affine: nifti.affine, data: nifti.data as VolumeData['data'] };
  imageVolume = image;
  box = highBox;
  const [nk, nj, ni] = image.shape;
  const perf = new Float32Array(nk * nj * ni).fill(0.05);
  for (let k = highBox.start[0]; k < highBox.end[0]; k++)
    for (let j = highBox.start[1]; j < highBox.end[1]; j++)
      for (let i = highBox.start[2]; i < highBox.end[2]; i++) perf[(k * nj + j) * ni + i] = 0.6;
  perf[0] = 1; // the range's top, in a corner far from the views' centres
  const layer: VolumeData = { shape: image.shape, spacing: image.spacing, affine: image.affine, data: perf };
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of image.data) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  const run = {
    id: 'r1', createdAt: '2024-01-01T00:00:00Z', imageName: 'image.nii.gz', labelName: null, modelName: 'demo', windows: 8, dice: null,
    settings: { patchSize: [24, 24, 24], overlap: 0.5, placement: 'fixed', blend: 'gaussian', measure: 'absoluteError' },
    timing: { totalMs: 1, preprocessMs: 0, modelMs: 1, stitchMs: 0, postprocessMs: 0 }, backend: { name: 'cpu', reason: 'test' },
    layers: ['tiledPerformance'], hasPerformance: true, hasConsistency: false, warnings: [], dir: '/tmp/r1',
    // The viewer draws a run only over its own image (same SHA-256); this hash stands for the demo image's.
    imageSha256: IMAGE_SHA256,
  } as unknown as RunRecord;
  const session: SessionState = {
    project: { dir: '/tmp', name: 'test', readOnly: false, lockedBy: null }, notices: [],
    image: { name: 'image.nii.gz', path: null, shape: image.shape, spacing: image.spacing, dtype: 'uint8', range: [lo, hi], percentiles: [lo, hi], modality: 'MR', sha256: IMAGE_SHA256 },
    label: null, model: null, runs: [run], sweeps: [], jobs: [], recent: [],
  };
  const inspect = (voxel: number[]): InspectResult => ({
    voxel, modelVoxel: voxel, stitched: [0.3, 0.7], label: 1, reference: null,
    windows: [{ index: 0, start: [0, 0, 0], planStart: [0, 0, 0], positionInPatch: voxel.map((x) => x % 24), probabilities: [0.3, 0.7], weight: 1, performance: 0.6 }],
  });
  const api: Api = {
    transport: 'http',
    call: (async (channel: string, args: { layer?: string; voxel?: number[] }) => {
      if (channel === 'volume:get') return image;
      if (channel === 'run:layer' && args.layer === 'tiledPerformance') return layer;
      if (channel === 'run:inspect') return inspect(args.voxel!);
      throw new Error(`fake api: ${channel} not served`);
    }) as Api['call'],
    on: () => () => {},
  };
  mount(ViewerWorkspace, { target: document.getElementById('app')!, props: { api, session, runId } });
  return { shape: image.shape };
};

window.highBoxRect = (view) => {
  if (!box || !imageVolume) throw new Error('test page: mountViewer first');
  const vp = viewportOf(view);
  const focal = vp.getCamera().focalPoint!;
  const normal = vp.getCamera().viewPlaneNormal!;
  const xs: number[] = [];
  const ys: number[] = [];
  for (const k of [box.start[0], box.end[0] - 1])
    for (const j of [box.start[1], box.end[1] - 1])
      for (const i of [box.start[2], box.end[2] - 1]) {
        const w = voxelToWorld(imageVolume, [k, j, i]);
        // Project onto the view's plane.
        const d = (w[0] - focal[0]) * normal[0] + (w[1] - focal[1]) * normal[1] + (w[2] - focal[2]) * normal[2];
        const [x, y] = vp.worldToCanvas(w.map((c, a) => c - d * normal[a]) as Types.Point3);
        xs.push(x);
        ys.push(y);
      }
  return { x0: Math.min(...xs), y0: Math.min(...ys), x1: Math.max(...xs), y1: Math.max(...ys) };
};

window.pixelStats = (view, rect, margin) => {
  const vp = viewportOf(view);
  const canvas = vp.canvas;
  const ctx = canvas.getContext('2d');
  if (!ctx) throw new Error('test page: the viewport canvas has no 2d context');
  const { width, height } = canvas;
  const scale = width / canvas.clientWidth;
  const px = ctx.getImageData(0, 0, width, height).data;
  let sum = 0;
  const counts = { hotIn: 0, hotOut: 0, greenIn: 0, greenOut: 0, nIn: 0, nOut: 0 };
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      const o = (y * width + x) * 4;
      const [r, g, b] = [px[o], px[o + 1], px[o + 2]];
      sum += (r + g + b) / 3;
      const cx = x / scale;
      const cy = y / scale;
      const inside = cx > rect.x0 + margin && cx < rect.x1 - margin && cy > rect.y0 + margin && cy < rect.y1 - margin;
      const outside = cx < rect.x0 - margin || cx > rect.x1 + margin || cy < rect.y0 - margin || cy > rect.y1 + margin;
      const hot = r - b > 60 && r > 120;
      const green = g > r + 30 && g > b;
      if (inside) {
        counts.nIn++;
        if (hot) counts.hotIn++;
        if (green) counts.greenIn++;
      } else if (outside) {
        counts.nOut++;
        if (hot) counts.hotOut++;
        if (green) counts.greenOut++;
      }
    }
  const f = (a: number, n: number) => (n ? a / n : 0);
  return {
    width, height, meanGray: sum / (width * height),
    hotInside: f(counts.hotIn, counts.nIn), hotOutside: f(counts.hotOut, counts.nOut),
    greenInside: f(counts.greenIn, counts.nIn), greenOutside: f(counts.greenOut, counts.nOut),
  } satisfies PixelStats;
};

document.title = 'ready';

/** Diagnostics: the actors of a view with their sampling and opacity settings. */
(window as unknown as { debugActors: (view: string) => unknown }).debugActors = (view: string) =>
  viewportOf(view).getActors().map((a) => {
    const actor = a.actor as unknown as { getMapper(): { getSampleDistance(): number }; getProperty(): { getScalarOpacityUnitDistance(i: number): number; getScalarOpacity(i: number): { getDataPointer(): number[] } } };
    return { uid: a.uid, sample: actor.getMapper().getSampleDistance(), unit: actor.getProperty().getScalarOpacityUnitDistance(0), ofun: Array.from(actor.getProperty().getScalarOpacity(0).getDataPointer()) };
  });
