/**
 * A PatchLens service host and HTTP server in a child process, for tests that kill it:
 * `node --import tsx test/helpers/serveChild.ts <projectDir> <staticDir>` opens the demo (as
 * the app's first start does), serves `staticDir` and prints the tokenized URL alone on a line
 * of stdout. It never closes on its own: the test ends it (SIGKILL to play a crash).
 */
import '../../src-node/tfjsNode';
import { createServiceHost } from '../../src-node/app/createServiceHost';
import { DOWNLOAD_BASE, startServer } from '../../src-server/startServer';

const [projectDir, staticDir] = process.argv.slice(2);
if (!projectDir || !staticDir) {
  process.stderr.write('usage: serveChild.ts <projectDir> <staticDir>\n');
  process.exit(2);
}
console.log = console.error;
const services = await createServiceHost({ projectDir, transport: 'http', downloadBase: DOWNLOAD_BASE });
await services.openInitial([]);
const server = await startServer({ services, staticDir });
process.stdout.write(`${server.url}\n`);
