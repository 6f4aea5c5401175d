import { isRecord } from './modelJson';

/** Checks a TensorShapeProto as JSON (`{ dim: [{ size: '-1' }, …] }`, or `{ unknownRank: true }`). */
function checkShape(fail: (what: string) => never, key: string, shape: unknown): void {
  if (!isRecord(shape)) return fail(`has attribute "${key}" whose shape is not an object: ${JSON.stringify(shape)}`);
  if (shape.dim === undefined) return;
  if (!Array.isArray(shape.dim)) return fail(`has attribute "${key}" whose shape.dim is not a list: ${JSON.stringify(shape.dim)}`);
  shape.dim.forEach((d, i) => {
    const size = isRecord(d) ? d.size : d;
    const ok = isRecord(d) && (size === undefined || (typeof size === 'number' && Number.isInteger(size) && size >= -1) || (typeof size === 'string' && /^(-1|\d+)$/.test(size)));
    if (!ok) fail(`has attribute "${key}" whose shape.dim[${i}] is ${JSON.stringify(d)}; each must be { "size": <integer ≥ -1> }`);
  });
}

/**
 * Window ops and the attributes tfjs-converter reads from them without a default: without them
 * the model loads and then crashes as it runs ("Cannot read properties of undefined (reading
 * 'split')").
 */
const WINDOW_OPS = new Set(['Conv1D', 'Conv2D', 'Conv3D', '_FusedConv2D', 'FusedConv3D', 'DepthwiseConv2d', 'DepthwiseConv2dNative', 'FusedDepthwiseConv2dNative', 'Conv2DBackpropInput', 'Conv3DBackpropInputV2', 'MaxPool', 'AvgPool', 'MaxPool3D', 'AvgPool3D', 'MaxPoolWithArgmax']);

/** The AttrValue lists tfjs-converter reads (`list.i`, `list.f`, …): each must be a list when present. */
const LIST_KEYS = ['i', 'f', 's', 'b', 'type', 'shape', 'tensor', 'func'] as const;

/**
 * Checks the structure of a graph node's `attr` (a map of TensorFlow AttrValues as JSON) where
 * tfjs-converter reads it without looking: `attr` an object of objects; a `shape` a
 * TensorShapeProto whose `dim` is a list of `{ size }`; a `list` an object whose `i`, `f`, `s`,
 * `b`, `type`, `shape` entries are lists (shapes checked too). Malformed ones crashed the
 * converter ("shape.dim.map is not a function", "Cannot read properties of null (reading
 * 'size')"), as the fuzzer found; and a window op (convolution, pooling) has its `strides` list
 * and `padding`. Which other attributes an op needs is left to tfjs.
 * @throws naming `fn`, the node and the attribute.
 */
export function checkNodeAttrs(fn: string, name: string, op: string, attr: unknown): void {
  const fail = (what: string): never => {
    throw new TypeError(`${fn}: model.json's graph node "${name}" (${op}) ${what}`);
  };
  if (attr === undefined) return;
  if (!isRecord(attr)) return fail(`has attr ${JSON.stringify(attr)}, which is not an object`);
  for (const [key, value] of Object.entries(attr)) {
    if (!isRecord(value)) return fail(`has attribute "${key}" that is not an AttrValue object: ${JSON.stringify(value)}`);
    if (value.shape !== undefined) checkShape(fail, key, value.shape);
    if (value.list === undefined) continue;
    const list = value.list;
    if (!isRecord(list)) return fail(`has attribute "${key}" whose list is not an object: ${JSON.stringify(list)}`);
    for (const k of LIST_KEYS) {
      if (list[k] !== undefined && !Array.isArray(list[k])) fail(`has attribute "${key}" whose list.${k} is not a list: ${JSON.stringify(list[k])}`);
    }
    (Array.isArray(list.shape) ? list.shape : []).forEach((s: unknown) => checkShape(fail, key, s));
  }
  if (WINDOW_OPS.has(op)) {
    const a = attr as Record<string, Record<string, unknown>>;
    const strides = isRecord(a.strides?.list) ? a.strides.list.i : undefined;
    if (!Array.isArray(strides) || strides.length === 0) fail('needs a "strides" attribute ({ "list": { "i": [...] } })');
    if (typeof a.padding?.s !== 'string') fail('needs a "padding" attribute ({ "s": <base64 of SAME or VALID> })');
  }
}
