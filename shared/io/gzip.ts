/**
 * gzip on byte arrays: written by fflate, read by pako (zlib's inflate in JavaScript), with every
 * member's blocks, CRC-32 and length verified and nothing allowed after the last, so a truncated
 * or corrupt `.nii.gz` is an error instead of silently short (or quietly repaired) data. {@link GunzipReader} inflates step by step, so a reader can
 * look at a header before it decides how much (if anything) to inflate and where to put it.
 */
import { gzipSync } from 'fflate';
import { Inflate } from 'pako';

/** True when the bytes start with the gzip magic number (1f 8b). */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

let crcTable: Uint32Array | undefined;

/**
 * Continues a CRC-32 (IEEE 802.3, as gzip) over a byte range: start with `crc = 0`, feed the
 * ranges in order; the result after the last range is the CRC of their concatenation.
 */
export function crc32Update(crc: number, bytes: Uint8Array, start = 0, end = bytes.length): number {
  if (!crcTable) {
    crcTable = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c >>> 0;
    }
  }
  const t = crcTable;
  let c = (crc ^ 0xffffffff) >>> 0;
  for (let i = start; i < end; i++) c = t[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** CRC-32 (IEEE 802.3, as gzip) of a byte range. */
export function crc32(bytes: Uint8Array, start = 0, end = bytes.length): number {
  return crc32Update(0, bytes, start, end);
}

/** Compressed bytes handed to the inflater per step: small at first (a header needs ~1 KiB), then growing. */
const FIRST_STEP = 256;
/**
 * The largest step. deflate expands at most ~1032×, so one step never inflates more than ~16 MiB:
 * that bounds what is inflated past a point where the reader stops (a header it refuses, or the
 * end of the declared data).
 */
const MAX_STEP = 16 * 1024;

/** zlib's Z_SYNC_FLUSH: hand out everything inflated so far (a reader asks for bytes as it goes). */
const Z_SYNC_FLUSH = 2;

/** Options of {@link GunzipReader}. */
export interface GunzipReaderOptions {
  /**
   * Whether `source` is the whole stream (default true). False for the first bytes of a file
   * (enough to read a header): the reader then never treats the end of `source` as the end of
   * the stream, and {@link GunzipReader.finish} is refused.
   */
  complete?: boolean;
}

/**
 * A gzip stream (single- or multi-member) inflated on demand by pako (zlib's inflate in
 * JavaScript): `read` inflates only until the bytes asked for are out, so what lies beyond is
 * never inflated unless asked for. pako checks what zlib checks — every member's header, its
 * deflate blocks (a stored block's length and its complement included), its CRC-32 and length;
 * `finish` adds that the stream ends there: a stream that would inflate past it is refused as soon
 * as the first byte too many appears, and bytes after the last member's trailer are refused.
 * (fflate, which PatchLens used before, accepts deflate data without a final block and stored
 * blocks with a wrong length complement: the fuzzer found both.)
 */
export class GunzipReader {
  /** Bytes the inflater has produced so far (read or not yet read). */
  inflated = 0;
  private readonly fn: string;
  private readonly source: Uint8Array;
  private readonly complete: boolean;
  /** The inflater of the current member (pako ends its stream with a member: the next gets a fresh one). */
  private inflater: Inflate;
  /** Inflated bytes not yet read, oldest first; `headOffset` bytes of the first are consumed. */
  private queue: Uint8Array[] = [];
  private headOffset = 0;
  private pushed = 0;
  private step = FIRST_STEP;
  private ended = false;
  /** When set, any further output is an error with this message (`finish` is draining the rest). */
  private overflow: string | null = null;
  private overflowError: Error | null = null;

  /**
   * @param fn the calling function's name, for error messages
   * @param source the compressed bytes (not copied, never modified)
   */
  constructor(fn: string, source: Uint8Array, options: GunzipReaderOptions = {}) {
    this.fn = fn;
    this.source = source;
    this.complete = options.complete !== false;
    this.inflater = this.member();
  }

  /** An inflater for one gzip member (windowBits 16 + 15: gzip only, the largest window). */
  private member(): Inflate {
    const inf = new Inflate({ windowBits: 16 + 15 });
    inf.onData = (chunk) => this.onData(chunk);
    return inf;
  }

  private corrupt(why: string): Error {
    return new Error(`${this.fn}: the gzip stream is truncated or corrupt (${why})`);
  }

  private onData(chunk: Uint8Array): void {
    if (chunk.length === 0) return;
    if (this.overflow !== null) {
      this.overflowError = new RangeError(`${this.fn}: ${this.overflow}`);
      throw this.overflowError;
    }
    this.inflated += chunk.length;
    // pako may reuse its output buffer: keep a copy.
    this.queue.push(chunk.slice());
  }

  /** Hands the next step of compressed bytes to the inflater; false when there are none left. */
  private pushMore(): boolean {
    if (this.ended || (!this.complete && this.pushed >= this.source.length)) return false;
    const end = Math.min(this.source.length, this.pushed + this.step);
    const final = this.complete && end === this.source.length;
    const part = this.source.subarray(this.pushed, end);
    this.pushed = end;
    this.step = Math.min(MAX_STEP, this.step * 2);
    try {
      this.inflater.push(part, final ? true : Z_SYNC_FLUSH);
    } catch (e) {
      if (e === this.overflowError) throw e;
      throw this.corrupt(e instanceof Error ? e.message : String(e));
    }
    const inf = this.inflater;
    if (inf.err) throw this.corrupt(ZLIB_MESSAGES[inf.msg] ?? (inf.msg || `zlib error ${inf.err}`));
    if (inf.ended) {
      // A member ended: what follows is another member (it must start with the gzip magic), or nothing.
      this.pushed -= unconsumed(inf);
      const left = this.source.length - this.pushed;
      if (left === 0) {
        if (this.complete) this.ended = true;
        else this.inflater = this.member();
      } else if (left >= 2 && this.source[this.pushed] === 0x1f && this.source[this.pushed + 1] === 0x8b) {
        this.inflater = this.member();
      } else if (!this.complete && left < 2) {
        // A prefix cut inside the next member's magic: it holds nothing more to read.
        this.pushed = this.source.length;
      } else {
        this.ended = true;
        throw this.corrupt(`${left} byte(s) after the last member's trailer that are not another member`);
      }
    } else if (final) {
      this.ended = true;
      throw this.corrupt('the stream ends inside a member');
    }
    return true;
  }

  /**
   * Reads the next `target.length` decompressed bytes into `target` (or into nothing when
   * `target` is a count: those bytes are skipped).
   * @returns how many bytes were read: less than asked only where the stream ends (or, with
   *   `complete: false`, where `source` ends)
   */
  read(target: Uint8Array | number): number {
    const want = typeof target === 'number' ? target : target.length;
    let got = 0;
    while (got < want) {
      if (this.queue.length === 0) {
        if (!this.pushMore()) break;
        continue;
      }
      const chunk = this.queue[0];
      const n = Math.min(want - got, chunk.length - this.headOffset);
      if (typeof target !== 'number') target.set(chunk.subarray(this.headOffset, this.headOffset + n), got);
      got += n;
      this.headOffset += n;
      if (this.headOffset === chunk.length) {
        this.queue.shift();
        this.headOffset = 0;
      }
    }
    return got;
  }

  /**
   * Asserts that the stream ends where reading stopped: inflates the rest and refuses it as soon
   * as it would produce one more byte (`${fn}: ${overflowMessage}`), then that the stream was
   * well formed to its end (every member's blocks, CRC-32 and length; nothing after the last).
   * @throws a RangeError with `overflowMessage` for a stream longer than what was read, and
   *   `${fn}: the gzip stream is truncated or corrupt (…)` for a bad stream or trailer
   */
  finish(overflowMessage: string): void {
    if (!this.complete) throw new Error(`${this.fn}: GunzipReader.finish needs the whole stream (complete: false)`);
    if (this.queue.length > 0) throw new RangeError(`${this.fn}: ${overflowMessage}`);
    this.overflow = overflowMessage;
    this.checkTrailers();
  }

  /**
   * Inflates the stream to its end and checks it (pako verifies every member's trailer: CRC-32 and
   * length mod 2³²; this adds that nothing follows the last one).
   * @throws `${fn}: the gzip stream is truncated or corrupt (…)`
   */
  checkTrailers(): void {
    if (!this.complete) throw new Error(`${this.fn}: GunzipReader.checkTrailers needs the whole stream (complete: false)`);
    while (this.pushMore()) {
      // the stream must have been inflated to its end
    }
    if (!this.ended) throw this.corrupt('the stream ends inside a member');
  }
}

/** zlib's terse messages, said in full. */
const ZLIB_MESSAGES: Record<string, string> = {
  'incorrect data check': 'a member fails its CRC-32 check',
  'incorrect length check': "a member's trailer gives another length than its data inflate to",
  'invalid stored block lengths': 'a stored block whose length and its complement disagree',
  'incorrect header check': 'not a gzip member header',
  'buffer error': 'the stream ends inside a member',
};

/** Input bytes the inflater was given but did not use (after the end of the stream). */
function unconsumed(inf: Inflate): number {
  const strm = (inf as unknown as { strm?: { avail_in?: number } }).strm;
  return typeof strm?.avail_in === 'number' ? strm.avail_in : 0;
}

/** Options of {@link gunzipChecked}. */
export interface GunzipCheckedOptions {
  /** Refuse a stream that inflates to more than this many bytes (default: no limit), before buffering them. */
  maxBytes?: number;
}

/**
 * Decompresses a (single- or multi-member) gzip stream and verifies each member's trailer
 * (CRC-32 and length mod 2³²).
 * @param fn the calling function's name, for the error message.
 * @throws `${fn}: the gzip stream is truncated or corrupt (…)`, or a RangeError when the stream
 *   inflates past `maxBytes`.
 */
export function gunzipChecked(fn: string, bytes: Uint8Array, options: GunzipCheckedOptions = {}): Uint8Array {
  const max = options.maxBytes ?? Infinity;
  const reader = new GunzipReader(fn, bytes);
  const parts: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const part = new Uint8Array(Math.min(1 << 20, Math.max(0, max - total)));
    const n = part.length === 0 ? 0 : reader.read(part);
    if (n > 0) parts.push(n === part.length ? part : part.subarray(0, n));
    total += n;
    if (n < part.length || part.length === 0) break;
  }
  reader.finish(`the gzip stream inflates to more than ${max} bytes`);
  if (parts.length === 1) return parts[0];
  const out = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** gzip-compresses bytes (deterministic: no file name, modification time 0). */
export function gzipBytes(bytes: Uint8Array, level: 0 | 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9 = 6): Uint8Array {
  return gzipSync(bytes, { level, mtime: 0 });
}
