import { isRecord, type WeightsGroup } from './modelJson';

/** One node of a tfjs graph model (TensorFlow GraphDef as JSON). */
interface GraphNode {
  name: string;
  op: string;
  input: string[];
  attr: Record<string, unknown>;
}

/** What model.json tells about a graph model's input and output. */
export interface GraphSummary {
  /** Input shape with the batch axis first; null for unknown sizes. */
  inputShape?: (number | null)[];
  /** Channels of the output (last axis), when the output can be traced to a convolution or the signature says. */
  outputChannels?: number;
  /** The op that makes the output, looking through Identity nodes (e.g. `Softmax`, `Sigmoid`, `BiasAdd`). */
  outputOp?: string;
}

/** Ops that pass the channel count of their first input through. */
const PASSTHROUGH = new Set(['Identity', 'Softmax', 'Sigmoid', 'BiasAdd', 'Add', 'AddV2', 'Relu', 'Relu6', 'Elu', 'Selu', 'LeakyRelu', 'Tanh', 'Mul', 'Sub']);
/** Convolution ops whose filter (input 1) gives the output channels. */
const CONVOLUTIONS = new Set(['Conv3D', 'Conv2D', 'Conv1D', '_FusedConv2D', 'FusedConv3D', '_FusedConv3D']);

/** The node name of an input reference (`name:0`, `^name`). */
function nodeName(ref: string): string {
  return ref.replace(/^\^/, '').replace(/:\d+$/, '');
}

/** Sizes of a TensorShapeProto as JSON (`{ dim: [{ size: '-1' }, …] }`); -1 → null. */
function dims(shape: unknown): (number | null)[] | undefined {
  if (!isRecord(shape) || !Array.isArray(shape.dim)) return undefined;
  return shape.dim.map((d) => {
    const size = isRecord(d) ? Number(d.size ?? -1) : -1;
    return Number.isInteger(size) && size > 0 ? size : null;
  });
}

/**
 * Reads a graph model's input shape (its single Placeholder, or the signature), its output
 * channels (the signature, or the filter of the convolution the output comes from) and the op
 * that makes the output.
 */
export function graphSummary(
  topology: Record<string, unknown>,
  signature: unknown,
  manifest: readonly WeightsGroup[],
): GraphSummary {
  const nodes: GraphNode[] = (Array.isArray(topology.node) ? topology.node : []).filter(isRecord).map((n) => ({
    name: String(n.name),
    op: String(n.op),
    input: Array.isArray(n.input) ? n.input.map(String) : [],
    attr: isRecord(n.attr) ? n.attr : {},
  }));
  const byName = new Map(nodes.map((n) => [n.name, n]));
  const summary: GraphSummary = {};

  const placeholders = nodes.filter((n) => n.op === 'Placeholder');
  if (placeholders.length === 1) summary.inputShape = dims(isRecord(placeholders[0].attr.shape) ? placeholders[0].attr.shape.shape : undefined);
  const sig = isRecord(signature) ? signature : {};
  const sigInputs = isRecord(sig.inputs) ? Object.values(sig.inputs) : [];
  if (!summary.inputShape && sigInputs.length === 1 && isRecord(sigInputs[0])) summary.inputShape = dims(sigInputs[0].tensorShape);

  const sigOutputs = isRecord(sig.outputs) ? Object.values(sig.outputs) : [];
  let outputName: string | undefined;
  if (sigOutputs.length === 1 && isRecord(sigOutputs[0])) {
    const shape = dims(sigOutputs[0].tensorShape);
    const last = shape?.[shape.length - 1];
    if (last) summary.outputChannels = last;
    if (typeof sigOutputs[0].name === 'string') outputName = nodeName(sigOutputs[0].name);
  }
  if (!outputName) {
    const consumed = new Set(nodes.flatMap((n) => n.input.map(nodeName)));
    const ends = nodes.filter((n) => !consumed.has(n.name) && n.op !== 'Const' && n.op !== 'Placeholder' && n.op !== 'NoOp');
    if (ends.length === 1) outputName = ends[0].name;
  }
  let node = outputName ? byName.get(outputName) : undefined;
  // Bounded: a cycle of Identity nodes (refused by validateGraphModel, but resolveSpec may run alone) must not spin.
  for (let steps = 0; node && node.op === 'Identity' && node.input.length > 0 && steps <= nodes.length; steps++) node = byName.get(nodeName(node.input[0]));
  if (node) summary.outputOp = node.op;

  const weightShapes = new Map(manifest.flatMap((g) => g.weights.map((w) => [w.name, w.shape] as const)));
  for (let steps = 0; node && summary.outputChannels === undefined && steps < 64; steps++) {
    if (CONVOLUTIONS.has(node.op)) {
      const filter = node.input[1] ? weightShapes.get(nodeName(node.input[1])) : undefined;
      if (filter && filter.length > 0) summary.outputChannels = filter[filter.length - 1];
      break;
    }
    if (!PASSTHROUGH.has(node.op) || node.input.length === 0) break;
    node = byName.get(nodeName(node.input[0]));
  }
  return summary;
}
