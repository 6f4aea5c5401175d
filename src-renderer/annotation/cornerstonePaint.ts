/**
 * cornerstone3D's segmentation tools (brush, eraser, threshold brush, rectangle and circle
 * scissors) paint straight into the working map; PatchLens's history, locks, autosave and
 * re-evaluation need every change as a voxel diff through the store. The bridge keeps a shadow
 * of the map as the store last left it; after each of cornerstone's data-modified events it
 * takes the voxels that differ on the modified frames, gives them their old values back, and
 * applies them as a stroke through the store (which checks locks, records the diff, sends it to
 * main and redraws). A drag's events between press and release become one undo step.
 */
import type { VolumeData } from '../../shared/api/contract';
import type { Stroke } from '../../shared/annotation/editHistory';
import type { VoxelDiff } from '../../shared/annotation/voxelDiff';
import type { CornerstonePaint } from '../viewer/cornerstone/segmentationTools';
import { paintLabel, type ToolSettings } from './strokes';

/** A working map's voxels (label maps are Uint8Array or Uint16Array). */
type Voxels = VolumeData['data'];

/** The cornerstone tool a tool setting runs on (null: PatchLens's own pointer handling). */
export function cornerstonePaintFor(settings: ToolSettings): CornerstonePaint {
  const { tool } = settings;
  if (tool === 'brush' || tool === 'eraser' || tool === 'threshold') {
    return { kind: 'brush', mode: tool === 'brush' ? 'fill' : tool === 'eraser' ? 'erase' : 'threshold', sphere: settings.sphere, radiusMm: settings.radiusMm, threshold: [...settings.threshold] };
  }
  if (tool === 'scissors' && settings.scissorsShape !== 'polygon') return { kind: 'scissors', shape: settings.scissorsShape, erase: settings.scissorsErase };
  return null;
}

/**
 * The voxels on `frames` (array axis 0; undefined: all) where `working` differs from `shadow`:
 * flat indices in increasing order and the working map's values there.
 */
export function changedVoxels(working: Voxels, shadow: Voxels, sliceLength: number, frames?: readonly number[]): { indices: Uint32Array; values: Uint16Array } {
  if (working.length !== shadow.length) throw new Error(`changedVoxels: the working map has ${working.length} voxels and its shadow ${shadow.length}`);
  const count = working.length / sliceLength;
  const list = frames?.length ? [...new Set(frames)].filter((f) => f >= 0 && f < count).sort((a, b) => a - b) : Array.from({ length: count }, (_, f) => f);
  const indices: number[] = [];
  for (const f of list) {
    const end = (f + 1) * sliceLength;
    for (let i = f * sliceLength; i < end; i++) if (working[i] !== shadow[i]) indices.push(i);
  }
  const values = new Uint16Array(indices.length);
  indices.forEach((i, k) => (values[k] = working[i]));
  return { indices: Uint32Array.from(indices), values };
}

/** One value for all (the store's lock check reads it) or one per voxel. */
function strokeValues(values: Uint16Array): number | Uint16Array {
  return values.every((v) => v === values[0]) ? values[0] : values;
}

/** What the bridge needs of the store. */
export interface PaintStore {
  readonly labels: { data: Voxels; shape: readonly number[] } | null;
  readonly settings: ToolSettings;
  labelName(value: number): string;
  beginStroke(): void;
  mayPaintActive(): boolean;
  apply(stroke: Stroke): number | null;
  endStroke(label: string): void;
  onVoxels(listener: (diff: VoxelDiff | null) => void): () => void;
}

/** The bridge from cornerstone's writes into the working map to the store's strokes. */
export class PaintBridge {
  private shadow: Voxels | null = null;
  private applying = false;
  private painting = false;
  private readonly stop: () => void;

  /** @param redraw redraws voxels the store refused (their old values are back in the map) */
  constructor(
    private readonly store: PaintStore,
    private readonly redraw: (indices: Uint32Array) => void,
  ) {
    this.stop = store.onVoxels((diff) => this.follow(diff));
    this.follow(null);
  }

  /** A press that a cornerstone tool takes: its changes until {@link end} are one step. */
  begin(): void {
    if (this.painting) this.end();
    const { tool, scissorsErase } = this.store.settings;
    // A locked active label: cornerstone paints nothing, and the store says why.
    if (tool !== 'eraser' && !(tool === 'scissors' && scissorsErase)) this.store.mayPaintActive();
    this.painting = true;
    this.store.beginStroke();
  }

  /** The release: the step is named after the tool and sent. */
  end(): void {
    if (!this.painting) return;
    this.painting = false;
    this.store.endStroke(paintLabel(this.store.settings, (v) => this.store.labelName(v)));
  }

  /** cornerstone modified the working map on `frames` (undefined: anywhere). */
  modified(frames?: readonly number[]): void {
    const labels = this.store.labels;
    if (this.applying || !labels || !this.shadow || this.shadow.length !== labels.data.length) return;
    const sliceLength = labels.shape[1] * labels.shape[2];
    const { indices, values } = changedVoxels(labels.data, this.shadow, sliceLength, frames);
    if (indices.length === 0) return;
    const working = labels.data;
    for (let k = 0; k < indices.length; k++) working[indices[k]] = this.shadow[indices[k]];
    const own = !this.painting;
    this.applying = true;
    try {
      if (own) this.store.beginStroke();
      const label = paintLabel(this.store.settings, (v) => this.store.labelName(v));
      const applied = this.store.apply({ label, indices, values: strokeValues(values) });
      if (own) this.store.endStroke(label);
      // Refused (locked label, not editable) or partly skipped: show the old values again.
      if (applied === null || applied < indices.length) this.redraw(indices);
    } finally {
      this.applying = false;
      for (let k = 0; k < indices.length; k++) this.shadow[indices[k]] = working[indices[k]];
    }
  }

  /** Stops following the store. */
  destroy(): void {
    this.stop();
  }

  private follow(diff: VoxelDiff | null): void {
    const data = this.store.labels?.data ?? null;
    if (!data) {
      this.shadow = null;
      return;
    }
    if (!diff || !this.shadow || this.shadow.length !== data.length) {
      this.shadow = data.slice();
      return;
    }
    for (let k = 0; k < diff.indices.length; k++) this.shadow[diff.indices[k]] = data[diff.indices[k]];
  }
}
