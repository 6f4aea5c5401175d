/**
 * The colours the report's Findings thumbnails draw a label map in. With the annotation's label
 * table (the app's open annotation, or the table saved in the project folder) each label has its
 * own colour and hidden labels are left out, as the viewer draws the edited reference; without
 * one, the report's own palette.
 */
import { LabelTable, type LabelTableJSON } from '../../shared/annotation/labelTable';

/** An RGB colour, three integers in [0, 255]. */
export type Colour = readonly [number, number, number];

/** The palette without a label table: label 1 first, cycling; blended over the grey image at {@link OVERLAY_ALPHA}. */
export const LABEL_COLOURS: readonly Colour[] = [
  [230, 60, 60],
  [60, 200, 80],
  [70, 110, 240],
  [240, 170, 40],
  [190, 80, 220],
  [240, 120, 170],
];

/** How much of a label's colour a labelled voxel shows over the grey image. */
export const OVERLAY_ALPHA = 0.4;

/** The colour a voxel value is drawn in, or null: not drawn (background, a hidden label), the grey image only. */
export type LabelColourOf = (value: number) => Colour | null;

/** The palette colour of label `value` ≥ 1. */
const paletteColour = (value: number): Colour => LABEL_COLOURS[(value - 1) % LABEL_COLOURS.length];

/**
 * What each voxel value is drawn in. With a table: a visible label its colour, a hidden label
 * nothing; a value the table has no label for gets the palette colour (every painted value has a
 * label in the app, so this only meets labels drawn from elsewhere). Without: the palette. The
 * background (0) is never drawn.
 * @throws RangeError for a table that does not validate (`LabelTable.fromJSON`'s message)
 */
export function labelColourOf(table: LabelTableJSON | null | undefined): LabelColourOf {
  if (!table) return (value) => (value > 0 ? paletteColour(value) : null);
  const byValue = new Map<number, Colour | null>();
  for (const e of LabelTable.fromJSON(table).entries()) byValue.set(e.value, e.visible ? e.colour : null);
  return (value) => {
    if (value <= 0) return null;
    const c = byValue.get(value);
    return c === undefined ? paletteColour(value) : c;
  };
}

/** Grey level `g` with `colour` blended over it at {@link OVERLAY_ALPHA} (grey alone for null). */
export function blendOverGrey(g: number, colour: Colour | null): [number, number, number] {
  if (!colour) return [g, g, g];
  const mix = (k: number) => Math.round((1 - OVERLAY_ALPHA) * g + OVERLAY_ALPHA * k);
  return [mix(colour[0]), mix(colour[1]), mix(colour[2])];
}
