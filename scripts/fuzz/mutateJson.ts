/**
 * Structural mutations of a parsed JSON document (in place): a value replaced by an interesting
 * one, a member or entry deleted, duplicated, moved or swapped, a key renamed. JSON-typed only
 * (no NaN: it does not survive a file), so a mutant can always be written as model.json.
 */
import type { Rng } from './rng';

/** A JSON value as the mutators see it. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = any;

/** Values that break validators: wrong types, empty and huge containers, extreme numbers. */
export function interestingJson(rng: Rng): Json {
  return rng.pick<() => Json>([
    () => null,
    () => true,
    () => 0,
    () => -1,
    () => 1,
    () => 2 ** 31,
    () => 1e9,
    () => -0.5,
    () => 1e308,
    () => 3,
    () => '',
    () => 'x',
    () => '__proto__',
    () => 'a'.repeat(rng.int(1, 300)),
    () => [],
    () => [null],
    () => [1, 1, 1],
    () => {
      const deep: Json[] = [];
      let at = deep;
      for (let i = 0; i < 200; i++) {
        const next: Json[] = [];
        at.push(next);
        at = next;
      }
      return deep;
    },
    () => ({}),
    () => ({ class_name: 'Foo', config: {} }),
  ])();
}

/** Every path (list of keys) to a value inside `doc` (the root excluded), depth-first. */
export function jsonPaths(doc: Json, limit = 5000): (string | number)[][] {
  const out: (string | number)[][] = [];
  const walk = (v: Json, path: (string | number)[]) => {
    if (out.length >= limit || v === null || typeof v !== 'object') return;
    const keys: (string | number)[] = Array.isArray(v) ? v.map((_, i) => i) : Object.keys(v);
    for (const k of keys) {
      out.push([...path, k]);
      walk(v[k], [...path, k]);
    }
  };
  walk(doc, []);
  return out;
}

/** The container holding `path`'s value, and its key there. */
function parentOf(doc: Json, path: (string | number)[]): { parent: Json; key: string | number } {
  let parent = doc;
  for (const k of path.slice(0, -1)) parent = parent[k];
  return { parent, key: path[path.length - 1] };
}

/** One random structural mutation of `doc` (in place); a note of what it did. */
export function mutateJson(rng: Rng, doc: Json): string {
  const paths = jsonPaths(doc);
  if (paths.length === 0) return 'nothing to mutate';
  const path = rng.pick(paths);
  const { parent, key } = parentOf(doc, path);
  const where = path.join('.');
  switch (rng.int(0, 6)) {
    case 0:
    case 1: {
      parent[key] = interestingJson(rng);
      return `${where} = ${JSON.stringify(parent[key]).slice(0, 40)}`;
    }
    case 2: {
      if (Array.isArray(parent)) parent.splice(key as number, 1);
      else delete parent[key];
      return `${where} deleted`;
    }
    case 3: {
      if (Array.isArray(parent)) parent.splice(key as number, 0, structuredClone(parent[key as number]));
      else parent[`${String(key)}_copy`] = structuredClone(parent[key]);
      return `${where} duplicated`;
    }
    case 4: {
      if (Array.isArray(parent) && parent.length > 1) {
        const j = rng.int(0, parent.length - 1);
        [parent[key as number], parent[j]] = [parent[j], parent[key as number]];
        return `${where} swapped with [${j}]`;
      }
      if (!Array.isArray(parent)) {
        const v = parent[key];
        delete parent[key];
        parent[rng.pick<string>(['name', 'config', 'class_name', 'inbound_nodes', `${String(key)}X`, ''])] = v;
        return `${where} renamed`;
      }
      return 'no swap';
    }
    case 5: {
      const v = parent[key];
      if (typeof v === 'number') parent[key] = rng.pick([v + 1, v - 1, -v, v * 2, v * 1000, 0, Math.floor(v / 2)]);
      else if (typeof v === 'string') parent[key] = rng.pick([`${v}x`, v.slice(1), v.toUpperCase(), `${v}\u0000`, '']);
      else if (typeof v === 'boolean') parent[key] = !v;
      else parent[key] = interestingJson(rng);
      return `${where} tweaked`;
    }
    default: {
      const other = rng.pick(paths);
      const { parent: p2, key: k2 } = parentOf(doc, other);
      parent[key] = structuredClone(p2[k2]);
      return `${where} = copy of ${other.join('.')}`;
    }
  }
}
