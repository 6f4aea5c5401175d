/** A topological order of a directed graph, or one of its cycles. */
export type GraphOrder = { order: string[] } | { cycle: string[] };

/**
 * Orders a graph given as node → the nodes it reads (its inputs) so that every node comes after
 * its inputs, or finds a cycle. Iterative depth-first search, so that a model.json with a long
 * chain of layers cannot overflow the stack. `inputsOf` must only name nodes of `nodes`.
 * @returns `{ order }` (inputs first), or `{ cycle }`: the nodes of one cycle in data-flow order,
 * the first repeated at the end (`['a', 'b', 'a']`: a feeds b, b feeds a).
 */
export function graphOrder(nodes: readonly string[], inputsOf: (name: string) => readonly string[]): GraphOrder {
  const VISITING = 1;
  const DONE = 2;
  const state = new Map<string, number>();
  const order: string[] = [];
  for (const root of nodes) {
    if (state.has(root)) continue;
    state.set(root, VISITING);
    const stack: { name: string; inputs: readonly string[]; next: number }[] = [{ name: root, inputs: inputsOf(root), next: 0 }];
    while (stack.length > 0) {
      const top = stack[stack.length - 1];
      if (top.next < top.inputs.length) {
        const input = top.inputs[top.next++];
        const s = state.get(input);
        if (s === undefined) {
          state.set(input, VISITING);
          stack.push({ name: input, inputs: inputsOf(input), next: 0 });
        } else if (s === VISITING) {
          // `input` is on the stack: each entry reads the next one, and `top` reads `input`.
          const from = stack.findIndex((f) => f.name === input);
          const flow = stack
            .slice(from)
            .map((f) => f.name)
            .reverse();
          return { cycle: [...flow, flow[0]] };
        }
      } else {
        state.set(top.name, DONE);
        order.push(top.name);
        stack.pop();
      }
    }
  }
  return { order };
}
