/**
 * `npm run serve -- [--project DIR] [--port N] [--no-build] [files...]`: PatchLens for a plain
 * browser. Builds the renderer when out/renderer is missing or stale, starts the services and
 * the HTTP + WebSocket server on 127.0.0.1, and prints the address (with its token) alone on a
 * line of stdout; everything else goes to stderr. SIGINT/SIGTERM close the services and the server.
 */
// First: tfjs quiet in this thread (the workers import it too; see src-node/tfjsNode.ts).
import '../src-node/tfjsNode';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildRenderer, rendererStaleReason } from './buildRenderer';
import { parseServeArgs, SERVE_USAGE, type ServeArgs } from './parseServeArgs';
import { DOWNLOAD_BASE, startServer } from './startServer';
import { isRelayedCopy } from '../src-node/relayedSignal';

/** The repository root (this file is src-server/main.ts). */
const ROOT = fileURLToPath(new URL('..', import.meta.url));

const say = (message: string) => process.stderr.write(`${message}\n`);

/** How long closing may take after SIGINT/SIGTERM before the process exits anyway. */
const STOP_MS = 4000;

async function main(): Promise<void> {
  // stdout carries the address alone: libraries' console.log chatter goes to stderr.
  console.log = console.error;
  console.info = console.error;
  let args: ServeArgs;
  try {
    args = parseServeArgs(process.argv.slice(2), process.env.INIT_CWD ?? process.cwd());
  } catch (e) {
    say(`${(e as Error).message}\n\n${SERVE_USAGE}`);
    process.exit(2);
  }
  if (args.help) {
    process.stdout.write(`${SERVE_USAGE}\n`);
    return;
  }
  const staticDir = resolve(ROOT, 'out/renderer');
  const stale = rendererStaleReason(ROOT);
  if (stale && args.build) {
    say(`serve: building the renderer (${stale}) ...`);
    const t = performance.now();
    await buildRenderer(ROOT);
    say(`serve: renderer built in ${((performance.now() - t) / 1000).toFixed(1)} s`);
  } else if (stale) {
    say(`serve: --no-build: serving out/renderer as it is (${stale})`);
  }

  const { createServiceHost } = await import('../src-node/app/createServiceHost');
  const services = await createServiceHost({ projectDir: args.projectDir, transport: 'http', downloadBase: DOWNLOAD_BASE, log: say, compute: args.compute });
  let server: Awaited<ReturnType<typeof startServer>> | null = null;
  let stoppingAt: number | null = null;
  const stop = async (signal: string) => {
    if (stoppingAt !== null) {
      if (isRelayedCopy(stoppingAt, performance.now())) return; // the same Ctrl+C, passed on by npm or tsx
      say(`serve: ${signal} again, exiting now`);
      process.exit(1);
    }
    stoppingAt = performance.now();
    say(`serve: ${signal}, closing ...`);
    // Jobs are cancelled and the compute worker stops (terminated when it does not stop at once);
    // whatever is still going after STOP_MS is cut off: every output is written whole (a temp
    // folder renamed into place), so nothing half-written can look complete.
    const cutOff = new Promise<'late'>((done) => setTimeout(() => done('late'), STOP_MS).unref());
    const finished = await Promise.race([Promise.allSettled([server?.close(), services.close()]).then(() => 'closed' as const), cutOff]);
    if (finished === 'late') say(`serve: not closed within ${STOP_MS / 1000} s; exiting anyway`);
    process.exit(finished === 'late' ? 1 : 0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));

  say(`serve: project ${args.projectDir}`);
  await services.openInitial(args.files);
  server = await startServer({ services, staticDir, port: args.port, log: say });
  process.stdout.write(`${server.url}\n`);
  say('serve: open the address above in Chromium; Ctrl+C stops the server');
}

main().catch((e: unknown) => {
  say(`serve: ${(e as Error)?.stack ?? String(e)}`);
  process.exit(1);
});
