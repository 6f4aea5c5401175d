/**
 * Large requests over the WebSocket transport travel in parts, so that the server never buffers
 * a message it has not agreed to: a frame longer than {@link PART_BYTES} is sent as a sequence of
 * part messages, each
 *
 * ```
 * 0  'PLP1' magic (4 bytes)
 * 4  header length H (uint32, little-endian)
 * 8  header: UTF-8 JSON { id, channel, index, count, total }
 *    the part's bytes
 * ```
 *
 * The first part names the request's channel and the whole frame's size; the server checks it
 * against what the connection may send on that channel (e.g. `compute:done` while its agent has a
 * task running) before it accepts a byte, preallocates exactly `total` bytes and refuses any part
 * that does not fit. Pure TypeScript (no DOM or Node types).
 */
import { utf8Decode, utf8Encode } from './binaryCodec';

/** First four bytes of a part message: 'PLP1'. */
export const PART_MAGIC = [0x50, 0x4c, 0x50, 0x31] as const;

/** Frames longer than this travel in parts of at most this many bytes (8 MiB). */
export const PART_BYTES = 8 * 1024 * 1024;

/** The header of one part. */
export interface PartHeader {
  /** The request's id (as in its frame). */
  id: number;
  channel: string;
  /** 0-based part number, of `count`. */
  index: number;
  count: number;
  /** Bytes of the whole frame. */
  total: number;
}

/** Whether a message is a part (starts with 'PLP1'). */
export function isPart(bytes: Uint8Array): boolean {
  return bytes.length >= 8 && PART_MAGIC.every((b, i) => bytes[i] === b);
}

/**
 * The messages to send for one encoded request frame: the frame itself when it fits in one part,
 * else its parts.
 */
export function splitFrame(frame: Uint8Array, id: number, channel: string, partBytes: number = PART_BYTES): Uint8Array[] {
  if (frame.byteLength <= partBytes) return [frame];
  const count = Math.ceil(frame.byteLength / partBytes);
  const out: Uint8Array[] = [];
  for (let index = 0; index < count; index++) {
    const body = frame.subarray(index * partBytes, Math.min(frame.byteLength, (index + 1) * partBytes));
    const header = utf8Encode(JSON.stringify({ id, channel, index, count, total: frame.byteLength } satisfies PartHeader));
    const message = new Uint8Array(8 + header.byteLength + body.byteLength);
    message.set(PART_MAGIC, 0);
    new DataView(message.buffer).setUint32(4, header.byteLength, true);
    message.set(header, 8);
    message.set(body, 8 + header.byteLength);
    out.push(message);
  }
  return out;
}

/** Reads one part message. @throws Error saying what is wrong */
export function readPart(message: Uint8Array): { header: PartHeader; body: Uint8Array } {
  if (!isPart(message)) throw new Error('readPart: not a part message (the first four bytes are not "PLP1")');
  const headerLength = new DataView(message.buffer, message.byteOffset, 8).getUint32(4, true);
  if (headerLength > 4096 || 8 + headerLength > message.byteLength) throw new Error(`readPart: a part header of ${headerLength} bytes does not fit the message (${message.byteLength} bytes)`);
  let h: Partial<PartHeader>;
  try {
    h = JSON.parse(utf8Decode(message.subarray(8, 8 + headerLength))) as Partial<PartHeader>;
  } catch (e) {
    throw new Error(`readPart: the part header is not valid JSON (${(e as Error).message.replace(/\s+/g, ' ')})`);
  }
  const int = (v: unknown, min: number) => typeof v === 'number' && Number.isSafeInteger(v) && v >= min;
  if (!h || !int(h.id, 0) || typeof h.channel !== 'string' || h.channel.length > 64 || !int(h.index, 0) || !int(h.count, 2) || !int(h.total, 1) || h.index! >= h.count!) {
    throw new Error(`readPart: the part header is not { id, channel, index < count, count ≥ 2, total ≥ 1 }: ${JSON.stringify(h).slice(0, 200)}`);
  }
  return { header: h as PartHeader, body: message.subarray(8 + headerLength) };
}

/**
 * Puts one request's parts back together (in order, into exactly `total` preallocated bytes).
 * `allowance(channel, total)` decides on the first part whether the request may be that big.
 */
export class PartAssembler {
  private current: { header: PartHeader; bytes: Uint8Array; filled: number; next: number } | null = null;

  constructor(private readonly allowance: (channel: string, total: number) => { ok: true } | { ok: false; why: string }) {}

  /**
   * Takes the next part; answers the whole frame and its announced channel when this was the last part, else null.
   * @throws Error (the socket should be closed) for a part out of order, one that overflows the
   *   announced size, or a request over its allowance (`tooBig: true` on the error)
   */
  accept(message: Uint8Array): { frame: Uint8Array; channel: string } | null {
    const { header, body } = readPart(message);
    if (header.index === 0) {
      if (this.current) throw new Error(`parts: request ${header.id} started before request ${this.current.header.id} was complete`);
      const verdict = this.allowance(header.channel, header.total);
      if (!verdict.ok) throw Object.assign(new Error(verdict.why), { tooBig: true });
      this.current = { header, bytes: new Uint8Array(header.total), filled: 0, next: 0 };
    }
    const c = this.current;
    if (!c) throw new Error(`parts: part ${header.index} of request ${header.id} came without its first part`);
    if (header.id !== c.header.id || header.channel !== c.header.channel || header.count !== c.header.count || header.total !== c.header.total || header.index !== c.next) {
      throw new Error(`parts: expected part ${c.next} of request ${c.header.id}, got part ${header.index} of request ${header.id}`);
    }
    if (c.filled + body.byteLength > c.header.total) throw new Error(`parts: request ${c.header.id} sends more than the ${c.header.total} bytes it announced`);
    c.bytes.set(body, c.filled);
    c.filled += body.byteLength;
    c.next++;
    if (c.next < c.header.count) return null;
    this.current = null;
    if (c.filled !== c.header.total) throw new Error(`parts: request ${c.header.id} announced ${c.header.total} bytes and sent ${c.filled}`);
    return { frame: c.bytes, channel: c.header.channel };
  }
}
