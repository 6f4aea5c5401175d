import { describe, expect, it } from 'vitest';
import { toCornerstoneGeometry } from '../../../../src-renderer/viewer/model/volumeGeometry';
import { invertAffine, voxelToWorld, worldToVoxel } from '../../../../src-renderer/viewer/model/voxelIndex';
import { computeErrorMap } from '../../../../src-renderer/viewer/model/errorMap';
import { presetWindow, windowToRange, defaultPreset } from '../../../../src-renderer/viewer/model/windowPresets';
import { formatNumber, formatReadout } from '../../../../src-renderer/viewer/model/readout';
import { availableOverlays, opacityPoints } from '../../../../src-renderer/viewer/model/overlays';
import { sampleColormap } from '../../../../src-renderer/viewer/model/colormaps';
import { colorPoints } from '../../../../src-renderer/viewer/cornerstone/applyOverlayStyle';
import { shortcutFor } from '../../../../src-renderer/viewer/model/shortcuts';

describe('toCornerstoneGeometry', () => {
  it('identity-like RAS affine (columns [k, j, i]): dimensions reversed, LPS flips x and y', () => {
    // i → +x (R) 2 mm, j → +y (A) 3 mm, k → +z (S) 4 mm; origin (10, 20, 30) RAS.
    const affine = [
      [0, 0, 2, 10],
      [0, 3, 0, 20],
      [4, 0, 0, 30],
      [0, 0, 0, 1],
    ];
    const g = toCornerstoneGeometry({ shape: [5, 6, 7], affine });
    expect(g.dimensions).toEqual([7, 6, 5]);
    expect(g.spacing).toEqual([2, 3, 4]);
    expect(g.origin).toEqual([-10, -20, 30]);
    expect(g.direction).toEqual([-1, 0, 0, 0, -1, 0, 0, 0, 1]);
  });

  it('LIA (brainchop conformed): i → L, j → I, k → A', () => {
    // NIfTI ijk→RAS for LIA: x = −i + 128, y = k − 128, z = −j + 128; our affine reverses the first three columns.
    const affine = [
      [0, 0, -1, 128],
      [1, 0, 0, -128],
      [0, -1, 0, 128],
      [0, 0, 0, 1],
    ];
    const g = toCornerstoneGeometry({ shape: [256, 256, 256], affine });
    expect(g.spacing).toEqual([1, 1, 1]);
    expect(g.origin).toEqual([-128, 128, 128]);
    // i → L is +x in LPS; j → I is −z; k → A is −y in LPS.
    expect(g.direction).toEqual([1, 0, 0, 0, 0, -1, 0, -1, 0]);
  });

  it('rejects a non-3-D shape', () => {
    expect(() => toCornerstoneGeometry({ shape: [2, 3], affine: [[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0]] })).toThrow(/toCornerstoneGeometry: volume.shape/);
  });
});

describe('voxel ↔ world', () => {
  const vol = { shape: [5, 6, 7], affine: [[0, 0, 2, 10], [0, 3, 0, 20], [4, 0, 0, 30], [0, 0, 0, 1]] };
  it('round-trips a voxel through LPS world coordinates', () => {
    const w = voxelToWorld(vol, [2, 3, 4]);
    expect(w).toEqual([-(10 + 8), -(20 + 9), 30 + 8]);
    expect(worldToVoxel(vol, w, invertAffine(vol.affine))).toEqual([2, 3, 4]);
  });
  it('answers null outside the volume', () => {
    expect(worldToVoxel(vol, voxelToWorld(vol, [5, 0, 0]))).toBeNull();
  });
});

describe('computeErrorMap', () => {
  it('counts false positives and false negatives', () => {
    const predicted = { shape: [1, 2, 4], data: new Uint8Array([0, 1, 1, 2, 0, 0, 2, 1]) };
    const reference = { shape: [1, 2, 4], data: new Uint8Array([0, 0, 1, 0, 1, 2, 1, 1]) };
    const e = computeErrorMap(predicted, reference);
    expect(Array.from(e.data)).toEqual([0, 1, 0, 1, 2, 2, 0, 0]);
    expect(e.falsePositives).toBe(2);
    expect(e.falseNegatives).toBe(2);
  });
  it('rejects different shapes', () => {
    expect(() => computeErrorMap({ shape: [2], data: new Uint8Array(2) }, { shape: [3], data: new Uint8Array(3) })).toThrow(/computeErrorMap/);
  });
});

describe('window presets', () => {
  const image = { range: [0, 255] as [number, number], percentiles: [10, 210] as [number, number], modality: 'MR' as const };
  it('has the CT presets and MR auto from the percentiles', () => {
    expect(presetWindow('ctBrain', image)).toEqual({ width: 80, center: 40 });
    expect(presetWindow('ctBone', image)).toEqual({ width: 2000, center: 500 });
    expect(presetWindow('ctLung', image)).toEqual({ width: 1500, center: -600 });
    expect(presetWindow('ctAbdomen', image)).toEqual({ width: 400, center: 50 });
    expect(presetWindow('mrAuto', image)).toEqual({ width: 200, center: 110 });
    expect(windowToRange(presetWindow('mrAuto', image))).toEqual({ lower: 10, upper: 210 });
    expect(defaultPreset({ modality: 'CT' })).toBe('ctBrain');
    expect(defaultPreset(image)).toBe('mrAuto');
  });
});

describe('readout formatting', () => {
  it('formats numbers and lists only the values that exist', () => {
    expect(formatNumber(3)).toBe('3');
    expect(formatNumber(0.123456)).toBe('0.1235');
    expect(formatNumber(12.5)).toBe('12.5');
    expect(formatNumber(null)).toBe('—');
    const rows = formatReadout({ voxel: [1, 2, 3], worldRas: [1.25, -2, 3], intensity: 87, reference: 1, predicted: null, probability: 0.75, maps: { 'Performance map': 0.0312 } });
    expect(rows.map((r) => [r.key, r.value])).toEqual([
      ['voxel', '[1, 2, 3]'],
      ['world', '(1.3, -2.0, 3.0)'],
      ['intensity', '87'],
      ['reference', '1'],
      ['probability', '0.75'],
      ['map-Performance map', '0.0312'],
    ]);
    expect(formatReadout({ voxel: null, worldRas: [0, 0, 0], intensity: null, reference: null, predicted: null, probability: null, maps: {} }).map((r) => r.value)).toEqual(['outside', '(0.0, 0.0, 0.0)']);
  });
});

describe('overlays', () => {
  it('exist only when their data exist', () => {
    expect(availableOverlays(true, null)).toEqual(['reference']);
    expect(availableOverlays(false, null)).toEqual([]);
    expect(availableOverlays(true, { layers: ['labels', 'tiledPerformance', 'gridOutline'] })).toEqual(['reference', 'labels', 'error', 'gridOutline', 'tiledPerformance']);
    expect(availableOverlays(false, { layers: ['labels'] })).toEqual(['labels']);
  });
  it('opacity points: transparent below the threshold, zero when hidden', () => {
    expect(opacityPoints({ opacity: 0.5, threshold: null, visible: true }, [0, 1])).toEqual([[0, 0.5], [1, 0.5]]);
    const p = opacityPoints({ opacity: 0.5, threshold: 0.4, visible: true }, [0, 1]);
    expect(p[0]).toEqual([0, 0]);
    expect(p[1][1]).toBe(0);
    expect(p[1][0]).toBeLessThan(0.4);
    expect(p.slice(2)).toEqual([[0.4, 0.5], [1, 0.5]]);
    expect(opacityPoints({ opacity: 0.5, threshold: null, visible: false }, [0, 1])).toEqual([[0, 0], [1, 0]]);
  });
  it('colour points stretch a colormap over the range; errors use magenta / cyan', () => {
    const hot = colorPoints({ colormap: 'hot', range: [2, 4] });
    expect(hot[0]).toEqual([2, 0, 0, 0]);
    expect(hot.at(-1)).toEqual([4, 1, 1, 1]);
    const err = colorPoints({ colormap: 'errors', range: [0, 2] });
    expect(err.find((p) => p[0] > 0.5 && p[0] < 1.5)!.slice(1)).toEqual([1, 0, 1]);
    expect(err.find((p) => p[0] > 1.5)!.slice(1)).toEqual([0, 1, 1]);
    expect(sampleColormap('hot', 0.75)).toEqual([255, 255, 0]);
    expect(sampleColormap('grayscale', 0.5)).toEqual([128, 128, 128]);
  });
  it('keyboard shortcuts', () => {
    expect(shortcutFor('ArrowUp')).toEqual({ kind: 'slice', delta: 1 });
    expect(shortcutFor('h')).toEqual({ kind: 'heatmap' });
    expect(shortcutFor('R')).toEqual({ kind: 'reset' }); // the registry's reset-view key, either case
    expect(shortcutFor('Escape')).toBeNull(); // a registry single key, but not the viewer's
    expect(shortcutFor('f')).toEqual({ kind: 'focus' }); // the registry's focus-view key
    expect(shortcutFor('3')).toBeNull(); // 1–9 pick the active label (registry), not a view
    expect(shortcutFor('x')).toBeNull();
  });
});
