/**
 * One binary frame per message of the WebSocket transport: a JSON value that may hold typed
 * arrays, `ArrayBuffer`s and `DataView`s anywhere (`VolumeData.data`, uploads' bytes) travels as
 *
 * ```
 * 0  'PLB1' magic (4 bytes)
 * 4  header length H (uint32, little-endian)
 * 8  header: UTF-8 JSON { v: value with placeholders, b: [{ t: type, o: offset, n: byteLength }] }
 *    zero padding to a multiple of 8
 *    buffers, each at an 8-byte-aligned offset from the frame start, in placeholder order
 * ```
 *
 * Placeholders are one-key objects: `{ $bin: i }` (buffer i), `{ $num: 'NaN' | 'Infinity' |
 * '-Infinity' | '-0' }` (numbers JSON cannot hold), and `{ $esc: obj }` for a plain object that
 * itself has exactly one of those keys. Decoding gives back the same classes, each typed array
 * with its own `ArrayBuffer` (as Electron's structured clone does), so it may be transferred.
 * Pure TypeScript (no DOM or Node types).
 */

/** First four bytes of every frame: 'PLB1'. */
export const FRAME_MAGIC = [0x50, 0x4c, 0x42, 0x31] as const;

/** Classes a frame carries (besides `ArrayBuffer` and `DataView`). */
const TYPED_ARRAYS = {
  Int8Array,
  Uint8Array,
  Uint8ClampedArray,
  Int16Array,
  Uint16Array,
  Int32Array,
  Uint32Array,
  Float32Array,
  Float64Array,
  BigInt64Array,
  BigUint64Array,
} as const;

type TypedArrayName = keyof typeof TYPED_ARRAYS;
/** Buffer kinds a frame names in its header. */
export type FrameBufferType = TypedArrayName | 'ArrayBuffer' | 'DataView';

/** One buffer in the header: type, byte offset from the frame start, byte length. */
interface BufferEntry {
  t: FrameBufferType;
  o: number;
  n: number;
}

const PLACEHOLDER_KEYS = new Set(['$bin', '$num', '$esc']);
const SPECIAL_NUMBERS: Record<string, number> = { NaN: Number.NaN, Infinity: Number.POSITIVE_INFINITY, '-Infinity': Number.NEGATIVE_INFINITY, '-0': -0 };

/** Rounds up to a multiple of 8. */
const align8 = (n: number) => Math.ceil(n / 8) * 8;

/** A path in the message for error messages (`$.data[3].bytes`). */
const childPath = (path: string, key: string | number) =>
  typeof key === 'number' ? `${path}[${key}]` : /^[A-Za-z_$][\w$]*$/.test(key) ? `${path}.${key}` : `${path}[${JSON.stringify(key)}]`;

/** `Object.prototype.toString` tag of a value (`Float32Array`, `ArrayBuffer`, `Date`, ...), realm-independent. */
const tagOf = (value: object) => Object.prototype.toString.call(value).slice(8, -1);

/** Whether the value is a plain object (`{}` or `Object.create(null)`) from any realm. */
function isPlainObject(value: object): boolean {
  const proto = Object.getPrototypeOf(value) as object | null;
  return proto === null || Object.getPrototypeOf(proto) === null;
}

/**
 * Encodes a message into one binary frame.
 * @param message JSON value (objects, arrays, strings, finite or special numbers, booleans, null) that may hold
 *   typed arrays, `ArrayBuffer`s and `DataView`s; `undefined` object members are dropped as JSON does
 * @throws Error naming the path of an unsupported value (function, symbol, bigint, Map, Date, class instance, cycle)
 */
export function encodeFrame(message: unknown): Uint8Array {
  const chunks: Uint8Array[] = [];
  const types: FrameBufferType[] = [];
  const seen = new Set<object>();

  const walk = (value: unknown, path: string): unknown => {
    switch (typeof value) {
      case 'string':
      case 'boolean':
        return value;
      case 'number':
        if (Number.isNaN(value)) return { $num: 'NaN' };
        if (value === Number.POSITIVE_INFINITY) return { $num: 'Infinity' };
        if (value === Number.NEGATIVE_INFINITY) return { $num: '-Infinity' };
        if (Object.is(value, -0)) return { $num: '-0' };
        return value;
      case 'object':
        break;
      default:
        throw new Error(`encodeFrame: unsupported ${typeof value} at ${path}`);
    }
    if (value === null) return null;
    const tag = tagOf(value);
    if (ArrayBuffer.isView(value)) {
      const type = (tag === 'DataView' ? 'DataView' : tag) as FrameBufferType;
      if (type !== 'DataView' && !(type in TYPED_ARRAYS)) throw new Error(`encodeFrame: unsupported view ${tag} at ${path}`);
      types.push(type);
      chunks.push(new Uint8Array(value.buffer, value.byteOffset, value.byteLength));
      return { $bin: types.length - 1 };
    }
    if (tag === 'ArrayBuffer') {
      types.push('ArrayBuffer');
      chunks.push(new Uint8Array(value as ArrayBuffer));
      return { $bin: types.length - 1 };
    }
    if (seen.has(value)) throw new Error(`encodeFrame: circular reference at ${path}`);
    if (Array.isArray(value)) {
      seen.add(value);
      const out = value.map((item, i) => (item === undefined ? null : walk(item, childPath(path, i))));
      seen.delete(value);
      return out;
    }
    if (!isPlainObject(value)) throw new Error(`encodeFrame: unsupported ${tag === 'Object' ? 'class instance' : tag} at ${path}`);
    seen.add(value);
    const out: Record<string, unknown> = {};
    const keys = Object.keys(value);
    for (const key of keys) {
      const item = (value as Record<string, unknown>)[key];
      if (item === undefined) continue;
      // defineProperty: a "__proto__" member stays a plain member.
      Object.defineProperty(out, key, { value: walk(item, childPath(path, key)), enumerable: true, writable: true, configurable: true });
    }
    seen.delete(value);
    const outKeys = Object.keys(out);
    return outKeys.length === 1 && PLACEHOLDER_KEYS.has(outKeys[0]) ? { $esc: out } : out;
  };

  const valueJson = JSON.stringify(walk(message, '$'));
  // Offsets depend on the header's length, and the header holds the offsets: settle by iterating
  // (the header grows by a few digits at most, so this ends in two or three rounds).
  let headerBytes: Uint8Array = new Uint8Array(0);
  let entries: BufferEntry[] = [];
  for (let guess = 0; ; ) {
    let offset = align8(8 + guess);
    entries = chunks.map((chunk, i) => {
      const entry = { t: types[i], o: offset, n: chunk.byteLength };
      offset = align8(offset + chunk.byteLength);
      return entry;
    });
    headerBytes = utf8Encode(`{"v":${valueJson},"b":${JSON.stringify(entries)}}`);
    if (align8(8 + headerBytes.byteLength) === align8(8 + guess)) break;
    guess = headerBytes.byteLength;
  }
  const last = entries[entries.length - 1];
  const total = last ? last.o + last.n : 8 + headerBytes.byteLength;
  const frame = new Uint8Array(total);
  frame.set(FRAME_MAGIC, 0);
  new DataView(frame.buffer).setUint32(4, headerBytes.byteLength, true);
  frame.set(headerBytes, 8);
  entries.forEach((entry, i) => frame.set(chunks[i], entry.o));
  return frame;
}

/**
 * Decodes a frame made by {@link encodeFrame}.
 * @param frame the frame's bytes (an `ArrayBuffer` or a view of one, e.g. a Node `Buffer`)
 * @throws Error saying what is wrong: not a frame, truncated, bad header, a buffer outside the frame, ...
 */
export function decodeFrame(frame: ArrayBuffer | ArrayBufferView): unknown {
  const bytes = ArrayBuffer.isView(frame) ? new Uint8Array(frame.buffer, frame.byteOffset, frame.byteLength) : new Uint8Array(frame);
  if (bytes.byteLength < 8) throw new Error(`decodeFrame: truncated frame: ${bytes.byteLength} bytes, the fixed header alone is 8`);
  if (FRAME_MAGIC.some((b, i) => bytes[i] !== b)) throw new Error('decodeFrame: not a PatchLens frame (the first four bytes are not "PLB1")');
  const headerLength = new DataView(bytes.buffer, bytes.byteOffset, 8).getUint32(4, true);
  if (8 + headerLength > bytes.byteLength) {
    throw new Error(`decodeFrame: truncated frame: the header needs ${8 + headerLength} bytes, the frame has ${bytes.byteLength}`);
  }
  let header: { v?: unknown; b?: unknown };
  try {
    header = JSON.parse(utf8Decode(bytes.subarray(8, 8 + headerLength))) as typeof header;
  } catch (e) {
    // One line: JSON.parse quotes the text around the error, which may hold line breaks.
    throw new Error(`decodeFrame: the header is not valid JSON (${(e as Error).message.replace(/\s+/g, ' ')})`);
  }
  if (typeof header !== 'object' || header === null || !('v' in header) || !Array.isArray(header.b)) {
    throw new Error('decodeFrame: the header is not { v, b: [...] }');
  }
  const entries = header.b as unknown[];
  let expectedEnd = 8 + headerLength;
  const buffers = entries.map((raw, i) => {
    const entry = raw as Partial<BufferEntry> | null;
    const t = entry?.t;
    const o = entry?.o;
    const n = entry?.n;
    if (typeof t !== 'string' || typeof o !== 'number' || typeof n !== 'number' || !Number.isInteger(o) || !Number.isInteger(n) || n < 0) {
      throw new Error(`decodeFrame: buffer ${i} is not { t, o, n } with integer offset and length: ${JSON.stringify(raw)}`);
    }
    if (o !== align8(expectedEnd)) throw new Error(`decodeFrame: buffer ${i} (${t}) starts at byte ${o}, expected ${align8(expectedEnd)}`);
    if (o + n > bytes.byteLength) {
      throw new Error(`decodeFrame: truncated frame: buffer ${i} (${t}, ${n} bytes at ${o}) ends at byte ${o + n}, the frame has ${bytes.byteLength}`);
    }
    expectedEnd = o + n;
    const copy = bytes.slice(o, o + n).buffer;
    if (t === 'ArrayBuffer') return copy;
    if (t === 'DataView') return new DataView(copy);
    const Ctor = Object.prototype.hasOwnProperty.call(TYPED_ARRAYS, t) ? TYPED_ARRAYS[t as TypedArrayName] : undefined;
    if (!Ctor) throw new Error(`decodeFrame: buffer ${i} has an unknown type "${t}"`);
    if (n % Ctor.BYTES_PER_ELEMENT !== 0) throw new Error(`decodeFrame: buffer ${i} (${t}) has ${n} bytes, not a multiple of ${Ctor.BYTES_PER_ELEMENT}`);
    return new Ctor(copy);
  });
  if (expectedEnd !== bytes.byteLength) {
    throw new Error(`decodeFrame: the frame has ${bytes.byteLength} bytes, its header accounts for ${expectedEnd} (trailing bytes)`);
  }
  const used = new Set<number>();

  const walk = (value: unknown, path: string): unknown => {
    if (typeof value !== 'object' || value === null) return value;
    if (Array.isArray(value)) return value.map((item, i) => walk(item, childPath(path, i)));
    const record = value as Record<string, unknown>;
    const keys = Object.keys(record);
    if (keys.length === 1 && keys[0] === '$bin') {
      const index = record.$bin;
      if (typeof index !== 'number' || !Number.isInteger(index) || index < 0 || index >= buffers.length) {
        throw new Error(`decodeFrame: placeholder at ${path} refers to buffer ${JSON.stringify(index)}, the frame has ${buffers.length}`);
      }
      if (used.has(index)) throw new Error(`decodeFrame: buffer ${index} is referenced twice (again at ${path})`);
      used.add(index);
      return buffers[index];
    }
    if (keys.length === 1 && keys[0] === '$num') {
      const name = record.$num;
      if (typeof name !== 'string' || !(name in SPECIAL_NUMBERS)) throw new Error(`decodeFrame: unknown special number ${JSON.stringify(name)} at ${path}`);
      return SPECIAL_NUMBERS[name];
    }
    const literal = keys.length === 1 && keys[0] === '$esc' ? record.$esc : record;
    if (typeof literal !== 'object' || literal === null || Array.isArray(literal)) throw new Error(`decodeFrame: $esc at ${path} does not hold an object`);
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(literal)) {
      // defineProperty: a "__proto__" member stays a member, as JSON.parse keeps it.
      Object.defineProperty(out, key, { value: walk(item, childPath(path, key)), enumerable: true, writable: true, configurable: true });
    }
    return out;
  };

  const message = walk(header.v, '$');
  if (used.size !== buffers.length) throw new Error(`decodeFrame: the frame has ${buffers.length} buffers, the message refers to ${used.size}`);
  return message;
}

/** Minimal shapes of the `TextEncoder` / `TextDecoder` globals (present in browsers, Workers and Node). */
interface Utf8Codecs {
  TextEncoder?: new () => { encode(text: string): Uint8Array };
  TextDecoder?: new (label: string, options: { fatal: boolean }) => { decode(bytes: Uint8Array): string };
}
const codecs = globalThis as unknown as Utf8Codecs;
const encoder = codecs.TextEncoder ? new codecs.TextEncoder() : null;
const decoder = codecs.TextDecoder ? new codecs.TextDecoder('utf-8', { fatal: true }) : null;

/** UTF-8 bytes of a string with no lone surrogates (JSON.stringify escapes them). */
export function utf8Encode(text: string): Uint8Array {
  if (encoder) return encoder.encode(text);
  const out = new Uint8Array(text.length * 3);
  let n = 0;
  for (const ch of text) {
    const c = ch.codePointAt(0)!;
    if (c < 0x80) out[n++] = c;
    else if (c < 0x800) n = put(out, n, 0xc0 | (c >> 6), 0x80 | (c & 63));
    else if (c < 0x10000) n = put(out, n, 0xe0 | (c >> 12), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
    else n = put(out, n, 0xf0 | (c >> 18), 0x80 | ((c >> 12) & 63), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
  }
  return out.slice(0, n);
}

function put(out: Uint8Array, n: number, ...bytes: number[]): number {
  for (const b of bytes) out[n++] = b;
  return n;
}

/** The string of UTF-8 bytes; throws on malformed UTF-8. */
export function utf8Decode(bytes: Uint8Array): string {
  if (decoder) return decoder.decode(bytes);
  const parts: string[] = [];
  for (let i = 0; i < bytes.length; ) {
    const b = bytes[i];
    const size = b < 0x80 ? 1 : b >= 0xf0 && b < 0xf5 ? 4 : b >= 0xe0 ? 3 : b >= 0xc2 && b < 0xe0 ? 2 : 0;
    if (size === 0 || i + size > bytes.length) throw new Error(`utf8Decode: malformed UTF-8 at byte ${i}`);
    let c = size === 1 ? b : b & (0xff >> (size + 1));
    for (let k = 1; k < size; k++) {
      const next = bytes[i + k];
      if ((next & 0xc0) !== 0x80) throw new Error(`utf8Decode: malformed UTF-8 at byte ${i + k}`);
      c = (c << 6) | (next & 63);
    }
    parts.push(String.fromCodePoint(c));
    i += size;
  }
  return parts.join('');
}

/** A request over the WebSocket transport (page → server). */
export interface WireRequest {
  /** Chosen by the page, unique among its pending requests. */
  id: number;
  channel: string;
  args: unknown;
}

/** The answer to a {@link WireRequest} (server → page). */
export interface WireResponse {
  id: number;
  envelope: { result: unknown } | { error: { code: string; message: string } };
}

/** A pushed event (server → every page). */
export interface WireEvent {
  event: string;
  payload: unknown;
}

/**
 * The server's first frame on a socket whose token it accepted; the page counts the connection
 * open from it. `session` is this tab's session: the page keeps it (per tab) and names it when it
 * reconnects (`?session=<id>.<key>`) to get the same session back after a reload or a dropped socket.
 */
export interface WireHello {
  hello: { protocol: 1; session: { id: string; key: string; resumed: boolean } };
}

/** WebSocket close code: the token is missing or wrong (the page should not reconnect with it). */
export const CLOSE_TOKEN_REFUSED = 4401;

/** WebSocket close code: the server serves as many pages as it may (the reason says how many). */
export const CLOSE_TOO_MANY_CONNECTIONS = 4429;

/** WebSocket close code (RFC 6455): a message was bigger than this connection may send. */
export const CLOSE_MESSAGE_TOO_BIG = 1009;
