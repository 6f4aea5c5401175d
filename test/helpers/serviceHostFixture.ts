/**
 * A service host per test block, for the service host's tests: `useHost` registers the block's
 * `beforeAll` and `afterAll`, so that each block makes what its tests read (an open demo, a
 * finished run, a finished sweep) on its own project folder and no test depends on another
 * having passed.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import type { SessionState } from '../../shared/api/contract';
import { createServiceHost } from '../../src-node/app/createServiceHost';
import type { ServiceConnection, ServiceHost } from '../../src-node/app/serviceHost';
import { result } from './hostEnvelopes';

/** Jobs on a busy machine: the hooks that run them get this long (a limit, not a speed check). */
export const JOB_LIMIT_MS = 600_000;

/** What a block's tests use: its host (a test may replace it: restart, native dialogs), connection and project folder. */
export interface HostContext {
  projectDir: string;
  host: ServiceHost;
  conn: ServiceConnection;
}

/**
 * Registers a block's `beforeAll` (a service host on a fresh project folder, the demo opened when
 * asked, then `prepare` for what the block's tests read) and its `afterAll` (closes whichever
 * host is open then and removes the folder).
 */
export function useHost(options: { openDemo?: boolean } = {}, prepare?: (ctx: HostContext) => Promise<void>): HostContext {
  const ctx = { projectDir: '' } as HostContext;
  beforeAll(async () => {
    ctx.projectDir = mkdtempSync(join(tmpdir(), 'patchlens-project-'));
    ctx.host = await createServiceHost({ projectDir: ctx.projectDir, transport: 'http', downloadBase: '/files', log: () => undefined });
    ctx.conn = ctx.host.connect({ role: 'ui' });
    if (options.openDemo) result<SessionState>(await ctx.conn.handle('session:openDemo', {}));
    await prepare?.(ctx);
  }, JOB_LIMIT_MS);
  afterAll(async () => {
    await ctx.host?.close();
    if (ctx.projectDir) rmSync(ctx.projectDir, { recursive: true, force: true });
  });
  return ctx;
}
