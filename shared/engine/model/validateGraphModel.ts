import { checkNodeAttrs } from './graphAttrs';
import { graphOrder } from './graphOrder';
import { MODEL_LIMITS } from './modelLimits';
import { isRecord, type ModelJson } from './modelJson';

/** The node an input reference names (`name`, `name:1`, `^name` for a control input). */
function nodeName(ref: string): string {
  return ref.replace(/^\^/, '').replace(/:\d+$/, '');
}

/** Common ops that compute from a data input: tfjs-converter runs one without it and crashes. */
const NEEDS_INPUT = new Set([
  'Identity', 'Softmax', 'Sigmoid', 'BiasAdd', 'Add', 'AddV2', 'Sub', 'Mul', 'RealDiv', 'MatMul', '_FusedMatMul', 'Relu', 'Relu6', 'Elu', 'Selu', 'LeakyRelu', 'Tanh',
  'Conv1D', 'Conv2D', 'Conv3D', '_FusedConv2D', 'FusedConv3D', 'DepthwiseConv2dNative', 'MaxPool', 'AvgPool', 'MaxPool3D', 'AvgPool3D', 'Reshape', 'Transpose', 'ConcatV2', 'Pad',
]);

/**
 * Checks a graph model's GraphDef before tfjs-converter builds it: `modelTopology.versions` is an
 * object and `modelTopology.node` is a list
 * of at most `MODEL_LIMITS.nodes` nodes, each with a unique non-empty name, an op, string
 * inputs (at least one data input for the ops of `NEEDS_INPUT`) and well-formed attributes
 * (`checkNodeAttrs`); every input names a node of the graph
 * (a weight of `weightsManifest` through its Const node); and the graph
 * has no cycle, except through TensorFlow's loop op `NextIteration` (control flow v1: a while
 * loop's back edge is legitimate). Functions in `library` are not checked.
 * @throws naming `fn` and the nodes concerned.
 */
export function validateGraphModel(fn: string, json: ModelJson): void {
  const raw = json.modelTopology.node;
  if (!Array.isArray(raw)) throw new TypeError(`${fn}: model.json's graph has no node list (modelTopology.node)`);
  // tfjs-converter reads versions.producer as it builds the model (and crashes without the object).
  if (!isRecord(json.modelTopology.versions)) throw new TypeError(`${fn}: model.json's graph has no versions object (modelTopology.versions, e.g. { "producer": 1 })`);
  if (raw.length > MODEL_LIMITS.nodes) throw new RangeError(`${fn}: model.json's graph has ${raw.length} nodes; at most ${MODEL_LIMITS.nodes} are supported`);
  const nodes = new Map<string, { op: string; input: string[] }>();
  raw.forEach((n, i) => {
    if (!isRecord(n) || typeof n.name !== 'string' || n.name === '' || typeof n.op !== 'string' || n.op === '')
      throw new TypeError(`${fn}: model.json's graph node ${i} must have a name and an op`);
    if (n.input !== undefined && (!Array.isArray(n.input) || !n.input.every((x) => typeof x === 'string')))
      throw new TypeError(`${fn}: model.json's graph node "${n.name}" has inputs that are not a list of names`);
    if (nodes.has(n.name)) throw new TypeError(`${fn}: model.json's graph has two nodes named "${n.name}"; node names must be unique`);
    checkNodeAttrs(fn, n.name, n.op, n.attr);
    const data = ((n.input as string[] | undefined) ?? []).filter((x) => !x.startsWith('^'));
    if (data.length === 0 && NEEDS_INPUT.has(n.op)) throw new TypeError(`${fn}: model.json's graph node "${n.name}" (${n.op}) has no input; a ${n.op} needs one`);
    nodes.set(n.name, { op: n.op, input: (n.input as string[] | undefined) ?? [] });
  });
  const weights = new Set(json.weightsManifest.flatMap((g) => g.weights.map((w) => w.name)));
  for (const [name, node] of nodes) {
    for (const ref of node.input) {
      const source = nodeName(ref);
      if (!nodes.has(source) && !weights.has(source))
        throw new TypeError(`${fn}: model.json's graph node "${name}" (${node.op}) reads "${ref}", which is neither a node of the graph nor a weight`);
      // tfjs-converter finds a weight through the Const node of its name, and crashed on a bare one ("reading 'outputs'").
      if (!nodes.has(source))
        throw new TypeError(`${fn}: model.json's graph node "${name}" (${node.op}) reads "${ref}", a weight with no node of that name in the graph (a weight is read through its Const node)`);
    }
  }
  const sorted = graphOrder([...nodes.keys()], (name) =>
    nodes
      .get(name)!
      .input.map(nodeName)
      .filter((source) => nodes.has(source) && nodes.get(source)!.op !== 'NextIteration'),
  );
  if ('cycle' in sorted) throw new TypeError(`${fn}: model.json's graph has a cycle: ${sorted.cycle.map((n) => `"${n}"`).join(' → ')} (each node feeds the next)`);
}
