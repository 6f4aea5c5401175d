/**
 * Keeps only the largest 6-connected component of the foreground (label > 0) of a 3-D label
 * map, in place: every other foreground voxel becomes 0 (brainchop's post-processing).
 * @returns the number of voxels removed
 */
export function keepLargestComponent(labels: Uint8Array | Uint16Array | Int32Array, shape: readonly number[]): number {
  if (shape.length !== 3) throw new RangeError(`keepLargestComponent: expected a 3-D shape, got [${shape}]`);
  const [nz, ny, nx] = shape;
  const n = nz * ny * nx;
  if (labels.length !== n) throw new RangeError(`keepLargestComponent: ${labels.length} labels for shape [${shape}]`);
  const comp = new Int32Array(n); // 0 = unvisited / background
  const stack = new Int32Array(n);
  const sizes: number[] = [0];
  for (let seed = 0; seed < n; seed++) {
    if (labels[seed] === 0 || comp[seed] !== 0) continue;
    const id = sizes.length;
    let size = 0;
    let top = 0;
    stack[top++] = seed;
    comp[seed] = id;
    while (top > 0) {
      const v = stack[--top];
      size++;
      const x = v % nx;
      const y = Math.floor(v / nx) % ny;
      const z = Math.floor(v / (nx * ny));
      // The six face neighbours, inline (this loop runs once per foreground voxel).
      const nb0 = x > 0 ? v - 1 : -1;
      const nb1 = x < nx - 1 ? v + 1 : -1;
      const nb2 = y > 0 ? v - nx : -1;
      const nb3 = y < ny - 1 ? v + nx : -1;
      const nb4 = z > 0 ? v - nx * ny : -1;
      const nb5 = z < nz - 1 ? v + nx * ny : -1;
      if (nb0 >= 0 && labels[nb0] !== 0 && comp[nb0] === 0) {
        comp[nb0] = id;
        stack[top++] = nb0;
      }
      if (nb1 >= 0 && labels[nb1] !== 0 && comp[nb1] === 0) {
        comp[nb1] = id;
        stack[top++] = nb1;
      }
      if (nb2 >= 0 && labels[nb2] !== 0 && comp[nb2] === 0) {
        comp[nb2] = id;
        stack[top++] = nb2;
      }
      if (nb3 >= 0 && labels[nb3] !== 0 && comp[nb3] === 0) {
        comp[nb3] = id;
        stack[top++] = nb3;
      }
      if (nb4 >= 0 && labels[nb4] !== 0 && comp[nb4] === 0) {
        comp[nb4] = id;
        stack[top++] = nb4;
      }
      if (nb5 >= 0 && labels[nb5] !== 0 && comp[nb5] === 0) {
        comp[nb5] = id;
        stack[top++] = nb5;
      }
    }
    sizes.push(size);
  }
  if (sizes.length <= 2) return 0;
  let best = 1;
  for (let id = 2; id < sizes.length; id++) if (sizes[id] > sizes[best]) best = id;
  let removed = 0;
  for (let v = 0; v < n; v++) {
    if (comp[v] !== 0 && comp[v] !== best) {
      labels[v] = 0;
      removed++;
    }
  }
  return removed;
}
