/**
 * A minimal WebAssembly binary encoder: just enough to emit small, generated SIMD kernels
 * (one exported memory, functions with i32 parameters, i32/v128 locals, structured loops) from
 * TypeScript, without a toolchain. Opcode values follow the WebAssembly 2.0 specification
 * (core instructions and the 128-bit SIMD proposal, prefix 0xFD).
 */

/** Value types. */
export const I32 = 0x7f;
export const V128 = 0x7b;

/** Core opcodes used by the kernels. */
export const Op = {
  block: 0x02,
  loop: 0x03,
  br: 0x0c,
  brIf: 0x0d,
  end: 0x0b,
  localGet: 0x20,
  localSet: 0x21,
  localTee: 0x22,
  i32Load: 0x28,
  f32Load: 0x2a,
  f32Store: 0x38,
  i32Const: 0x41,
  i32Eqz: 0x45,
  i32LtU: 0x49,
  i32LtS: 0x48,
  i32Add: 0x6a,
  i32Sub: 0x6b,
  i32Mul: 0x6c,
} as const;

/** SIMD opcodes (after the 0xFD prefix). */
export const Simd = {
  v128Load: 0x00,
  v128Load32Splat: 0x09,
  v128Store: 0x0b,
  v128Const: 0x0c,
  f32x4Splat: 0x13,
  f32x4ExtractLane: 0x1f,
  f32x4Add: 0xe4,
  f32x4Mul: 0xe6,
} as const;

/** Appends the unsigned LEB128 encoding of `n` to `out`. */
export function uleb(out: number[], n: number): void {
  if (!Number.isInteger(n) || n < 0) throw new Error(`uleb: n must be a non-negative integer, got ${n}`);
  do {
    let byte = n % 128;
    n = Math.floor(n / 128);
    if (n > 0) byte |= 0x80;
    out.push(byte);
  } while (n > 0);
}

/** Appends the signed LEB128 encoding of the 32-bit integer `n` to `out`. */
export function sleb(out: number[], n: number): void {
  if (!Number.isInteger(n) || n < -(2 ** 31) || n >= 2 ** 31) throw new Error(`sleb: n must be a 32-bit integer, got ${n}`);
  for (;;) {
    const byte = n & 0x7f;
    n >>= 7;
    const done = (n === 0 && (byte & 0x40) === 0) || (n === -1 && (byte & 0x40) !== 0);
    out.push(done ? byte : byte | 0x80);
    if (done) return;
  }
}

/** A function body under construction: its locals and its instruction bytes. */
export class FuncBuilder {
  /** Instruction bytes (without the final `end`). */
  readonly code: number[] = [];
  private readonly extra: number[] = [];

  /** @param params number of i32 parameters (locals 0 .. params-1) */
  constructor(readonly params: number) {}

  /** Declares a new local of type `type` and returns its index. */
  local(type: number): number {
    this.extra.push(type);
    return this.params + this.extra.length - 1;
  }

  /** Appends raw bytes. */
  raw(...bytes: number[]): this {
    this.code.push(...bytes);
    return this;
  }

  get(i: number): this {
    return this.raw(Op.localGet).u(i);
  }

  set(i: number): this {
    return this.raw(Op.localSet).u(i);
  }

  tee(i: number): this {
    return this.raw(Op.localTee).u(i);
  }

  i32(n: number): this {
    this.code.push(Op.i32Const);
    sleb(this.code, n);
    return this;
  }

  /** A SIMD instruction. */
  simd(op: number): this {
    this.code.push(0xfd);
    uleb(this.code, op);
    return this;
  }

  /** A SIMD memory instruction with alignment (log2) and constant byte offset. */
  simdMem(op: number, alignLog2: number, offset: number): this {
    this.simd(op);
    uleb(this.code, alignLog2);
    uleb(this.code, offset);
    return this;
  }

  /** `v128.const 0`. */
  v128Zero(): this {
    this.simd(Simd.v128Const);
    for (let i = 0; i < 16; i++) this.code.push(0);
    return this;
  }

  /** Appends an unsigned LEB128 immediate. */
  u(n: number): this {
    uleb(this.code, n);
    return this;
  }

  /** The encoded body: local declarations, code, `end`. */
  encode(): number[] {
    const out: number[] = [];
    // Group consecutive locals of the same type.
    const groups: [number, number][] = [];
    for (const t of this.extra) {
      const last = groups[groups.length - 1];
      if (last && last[1] === t) last[0]++;
      else groups.push([1, t]);
    }
    uleb(out, groups.length);
    for (const [n, t] of groups) {
      uleb(out, n);
      out.push(t);
    }
    out.push(...this.code, Op.end);
    const sized: number[] = [];
    uleb(sized, out.length);
    return [...sized, ...out];
  }
}

/** Appends a section with id `id` and contents `body`. */
function section(out: number[], id: number, body: number[]): void {
  out.push(id);
  uleb(out, body.length);
  out.push(...body);
}

/** Appends a UTF-8 (ASCII here) name. */
function name(out: number[], s: string): void {
  uleb(out, s.length);
  for (let i = 0; i < s.length; i++) out.push(s.charCodeAt(i));
}

/**
 * Encodes a module exporting `memory` (initial `pages` 64 KiB pages, growable) and the given
 * functions (every function takes only i32 parameters and returns nothing).
 */
export function encodeModule(functions: { name: string; body: FuncBuilder }[], pages: number): Uint8Array {
  const out = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];
  // One type per distinct parameter count.
  const arities = [...new Set(functions.map((f) => f.body.params))];
  const types: number[] = [];
  uleb(types, arities.length);
  for (const n of arities) {
    types.push(0x60);
    uleb(types, n);
    for (let i = 0; i < n; i++) types.push(I32);
    types.push(0);
  }
  section(out, 1, types);
  const funcs: number[] = [];
  uleb(funcs, functions.length);
  for (const f of functions) uleb(funcs, arities.indexOf(f.body.params));
  section(out, 3, funcs);
  const mem: number[] = [1, 0x00];
  uleb(mem, pages);
  section(out, 5, mem);
  const exps: number[] = [];
  uleb(exps, functions.length + 1);
  name(exps, 'memory');
  exps.push(0x02, 0x00);
  functions.forEach((f, i) => {
    name(exps, f.name);
    exps.push(0x00);
    uleb(exps, i);
  });
  section(out, 7, exps);
  const code: number[] = [];
  uleb(code, functions.length);
  for (const f of functions) code.push(...f.body.encode());
  section(out, 10, code);
  return new Uint8Array(out);
}
