import { graphOrder } from './graphOrder';
import { MODEL_LIMITS } from './modelLimits';
import { isRecord, type ModelJson } from './modelJson';

/** The node an input reference names (`name`, `name:1`, `^name` for a control input). */
function nodeName(ref: string): string {
  return ref.replace(/^\^/, '').replace(/:\d+$/, '');
}

/**
 * Checks a graph model's GraphDef before tfjs-converter builds it: `modelTopology.node` is a list
 * of at most `MODEL_LIMITS.nodes` nodes, each with a unique non-empty name, an op and string
 * inputs; every input names a node of the graph or a weight of `weightsManifest`; and the graph
 * has no cycle, except through TensorFlow's loop op `NextIteration` (control flow v1: a while
 * loop's back edge is legitimate). Functions in `library` are not checked.
 * @throws naming `fn` and the nodes concerned.
 */
export function validateGraphModel(fn: string, json: ModelJson): void {
  const raw = json.modelTopology.node;
  if (!Array.isArray(raw)) throw new TypeError(`${fn}: model.json's graph has no node list (modelTopology.node)`);
  if (raw.length > MODEL_LIMITS.nodes) throw new RangeError(`${fn}: model.json's graph has ${raw.length} nodes; at most ${MODEL_LIMITS.nodes} are supported`);
  const nodes = new Map<string, { op: string; input: string[] }>();
  raw.forEach((n, i) => {
    if (!isRecord(n) || typeof n.name !== 'string' || n.name === '' || typeof n.op !== 'string' || n.op === '')
      throw new TypeError(`${fn}: model.json's graph node ${i} must have a name and an op`);
    if (n.input !== undefined && (!Array.isArray(n.input) || !n.input.every((x) => typeof x === 'string')))
      throw new TypeError(`${fn}: model.json's graph node "${n.name}" has inputs that are not a list of names`);
    if (nodes.has(n.name)) throw new TypeError(`${fn}: model.json's graph has two nodes named "${n.name}"; node names must be unique`);
    nodes.set(n.name, { op: n.op, input: (n.input as string[] | undefined) ?? [] });
  });
  const weights = new Set(json.weightsManifest.flatMap((g) => g.weights.map((w) => w.name)));
  for (const [name, node] of nodes) {
    for (const ref of node.input) {
      const source = nodeName(ref);
      if (!nodes.has(source) && !weights.has(source))
        throw new TypeError(`${fn}: model.json's graph node "${name}" (${node.op}) reads "${ref}", which is neither a node of the graph nor a weight`);
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
