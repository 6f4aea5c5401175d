import type { ModelJson } from './modelJson';
import { validateGraphModel } from './validateGraphModel';
import { validateLayersModel } from './validateLayersModel';
import { validateWeightsManifest } from './validateWeights';

/**
 * Checks a parsed model.json (`readModelJson`) before tfjs sees it, so that a malformed model
 * gives one clear error instead of a loader that never returns, an obscure tfjs message, or a
 * model that loads and computes garbage: the weights manifest (`validateWeightsManifest`), then
 * the layer graph and the layers' declared sizes and weights (`validateLayersModel`) or the
 * GraphDef (`validateGraphModel`). Pure and synchronous; linear in the size of model.json.
 * `loadModel` calls it, so every path that loads a model (CLI, app compute worker, page Worker)
 * gets it. The weight values are checked once they are read (`checkFiniteWeights`).
 * @throws naming `fn` and what is wrong.
 */
export function validateModelJson(fn: string, json: ModelJson): void {
  validateWeightsManifest(fn, json.weightsManifest);
  if (json.kind === 'layers-model') validateLayersModel(fn, json);
  else validateGraphModel(fn, json);
}
