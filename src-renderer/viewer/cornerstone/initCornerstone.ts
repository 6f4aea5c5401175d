import { init, isCornerstoneInitialized } from '@cornerstonejs/core';

/** Initialises cornerstone3D once per page (later calls do nothing). */
export function initCornerstone(): void {
  if (!isCornerstoneInitialized()) init();
}
