/**
 * Stand-in for `xmlbuilder2` in the renderer bundle: vtk.js imports it only for its XML writers,
 * which the viewer does not use, and its bundled js-yaml uses `new Function`, which the page's
 * CSP forbids.
 */
export function create(): never {
  throw new Error('xmlbuilder2.create: XML writing is not part of the PatchLens renderer');
}
