import { borderProfile, type BorderProfile } from './borderProfile';
import { checkMapArray, mapRange, type MapArray } from './mapArray';
import { centreSlices, type MapSlice } from './mapSlice';

/** A mean patch performance map with what it measures. */
export interface MapInput extends MapArray {
  measure?: string | null;
  /** Names of the axes (default "axis 0", "axis 1", …). */
  axisNames?: readonly string[] | null;
}

/** What the views show of a map: its range (the colour scale's domain), the slices through the patch centre, the border profile. */
export interface MapView {
  shape: number[];
  axisNames: string[];
  measure: string;
  /** [min, max] of the finite values. */
  range: [number, number];
  /** {@link centreSlices}. */
  slices: MapSlice[];
  borderProfile: BorderProfile;
}

/**
 * The view of a 1- to 3-axis map.
 * @throws RangeError when the data does not match the shape or the map has more than 3 axes
 */
export function mapView(map: MapInput): MapView {
  checkMapArray('mapView', map);
  const axisNames = map.shape.map((_, a) => map.axisNames?.[a] ?? `axis ${a}`);
  const measure = map.measure ?? 'error';
  return { shape: [...map.shape], axisNames, measure, range: mapRange(map), slices: centreSlices(map, axisNames), borderProfile: borderProfile(map, measure, axisNames) };
}
