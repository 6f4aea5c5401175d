/**
 * The bundled demo (`demo/data/cases.json` with its cases' files, `demo/model`): where it is, its
 * cases, and opening its first case in a session.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { appRoot } from './appPackage';
import type { HostContext } from './hostContext';
import { fail } from './serviceError';
import type { Session } from './session';

/** The bundled demo folder of the repository or the packaged app (`demo/data/cases.json` and `demo/model`). */
export function defaultDemoDir(): string {
  return join(appRoot(), 'demo');
}

/**
 * The demo's cases: the file names in cases.json, resolved.
 * @throws ServiceError `not-found` when cases.json is missing, unreadable or lists no case
 */
export function demoCases(demoDir: string): { name: string; image: string; label: string }[] {
  const file = join(demoDir, 'data', 'cases.json');
  let parsed: { cases?: { name: string; image: string; label: string }[] };
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8')) as typeof parsed;
  } catch (e) {
    throw fail('not-found', `the bundled demo is missing or unreadable (${file}): ${(e as Error).message}`);
  }
  if (!Array.isArray(parsed.cases) || parsed.cases.length === 0) throw fail('not-found', `the bundled demo lists no cases (${file})`);
  return parsed.cases.map((c) => ({ name: c.name, image: join(demoDir, 'data', c.image), label: join(demoDir, 'data', c.label) }));
}

/** The bundled demo's model folder (what a sweep of the demo cases always runs). */
export function demoModelDir(demoDir: string): string {
  return join(demoDir, 'model');
}

/** Opens the bundled demo's first case (image and label map) and model in a session. */
export async function openDemo(ctx: HostContext, session: Session): Promise<void> {
  const [first] = demoCases(ctx.demoDir);
  await session.openPath('image', first.image);
  await session.openPath('label', first.label);
  await session.openPath('model', demoModelDir(ctx.demoDir));
}
