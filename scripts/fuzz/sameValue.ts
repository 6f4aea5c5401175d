/**
 * Deep equality for the fuzzer's checks: numbers as `Object.is` (NaN equals NaN, −0 differs from
 * 0), typed arrays, DataViews and ArrayBuffers by class and bytes, plain objects by their own
 * enumerable keys (order ignored), arrays by length and entries.
 */

function bytesOf(v: ArrayBuffer | ArrayBufferView): Uint8Array {
  return v instanceof ArrayBuffer ? new Uint8Array(v) : new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
}

/** Whether two values are the same (see the module comment); `path` names where they differ. */
export function firstDifference(a: unknown, b: unknown, path = '$'): string | null {
  if (typeof a === 'number' && typeof b === 'number') return Object.is(a, b) ? null : `${path}: ${a} vs ${b}`;
  if (typeof a !== typeof b) return `${path}: ${typeof a} vs ${typeof b}`;
  if (a === null || b === null || typeof a !== 'object') return a === b ? null : `${path}: ${String(a)} vs ${String(b)}`;
  const tagA = Object.prototype.toString.call(a);
  const tagB = Object.prototype.toString.call(b);
  if (tagA !== tagB) return `${path}: ${tagA} vs ${tagB}`;
  if (a instanceof ArrayBuffer || ArrayBuffer.isView(a)) {
    const x = bytesOf(a as ArrayBuffer);
    const y = bytesOf(b as ArrayBuffer);
    if (x.length !== y.length) return `${path}: ${x.length} vs ${y.length} bytes`;
    for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return `${path}: byte ${i} differs`;
    return null;
  }
  if (Array.isArray(a)) {
    const bb = b as unknown[];
    if (a.length !== bb.length) return `${path}: length ${a.length} vs ${bb.length}`;
    for (let i = 0; i < a.length; i++) {
      const d = firstDifference(a[i], bb[i], `${path}[${i}]`);
      if (d) return d;
    }
    return null;
  }
  const ka = Object.keys(a).sort();
  const kb = Object.keys(b as object).sort();
  if (ka.join('\0') !== kb.join('\0')) return `${path}: keys ${JSON.stringify(ka)} vs ${JSON.stringify(kb)}`;
  for (const k of ka) {
    const d = firstDifference((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], `${path}.${k}`);
    if (d) return d;
  }
  return null;
}
