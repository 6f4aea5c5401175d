/**
 * Splits `cout` output channels into blocks of at most `widest` channels (4 or 5), as few and as
 * wide as possible, avoiding 1-channel blocks (they are the slowest):
 * - `widest` 5 (the JavaScript kernel): all 5s when `cout` is a multiple of 5 (MeshNets have 5,
 *   15 or 20 channels), else 4s and the remainder, a remainder of 1 turning the last 4 into a 5;
 * - `widest` 4 (the SIMD kernel): 4s and the remainder, a remainder of 1 turning the last 4 + 1
 *   into 3 + 2.
 *
 * @param cout number of output channels (≥ 0)
 * @param widest widest block, 4 or 5
 * @returns the block widths, in channel order, summing to `cout`
 */
export function channelBlocks(cout: number, widest: 4 | 5): number[] {
  if (!Number.isInteger(cout) || cout < 0) throw new Error(`channelBlocks: cout must be a non-negative integer, got ${cout}`);
  if (widest !== 4 && widest !== 5) throw new Error(`channelBlocks: widest must be 4 or 5, got ${widest}`);
  if (widest === 5 && cout % 5 === 0) return new Array<number>(cout / 5).fill(5);
  const blocks = new Array<number>(Math.floor(cout / 4)).fill(4);
  const rest = cout % 4;
  if (rest === 1 && blocks.length > 0) {
    if (widest === 5) blocks[blocks.length - 1] = 5;
    else blocks.splice(blocks.length - 1, 1, 3, 2);
  } else if (rest > 0) blocks.push(rest);
  return blocks;
}
