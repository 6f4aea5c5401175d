import { init, isCornerstoneInitialized } from '@cornerstonejs/core';
import { initCornerstoneTools } from './labelmapSegmentation';

/** Initialises cornerstone3D (core, then tools) once per page (later calls do nothing). */
export function initCornerstone(): void {
  if (!isCornerstoneInitialized()) init();
  initCornerstoneTools();
}
