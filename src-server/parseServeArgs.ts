import { homedir } from 'node:os';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { COMPUTE_MODES, type ComputeMode } from '../shared/api/contract';

/** Usage of `npm run serve`. */
export const SERVE_USAGE = `Usage: npm run serve -- [--project DIR] [--port N] [--no-build] [files...]

Serves PatchLens to a browser on http://127.0.0.1 (with a random access token) and prints its address.
  --project DIR  project folder (runs, sweeps, uploads); default ~/PatchLens
  --port N       port, an integer in 0..65535 (0 or absent: a free one)
  --no-build     serve out/renderer as it is (no rebuild when the sources are newer)
  --compute M    where inference runs: auto (default: the page's WebGL when it is clearly faster),
                 node (the app's worker, tfjs wasm) or page (the page's WebGL; needs the page open)
  files...       images, label maps or model folders to open (the demo when none)
  -h, --help     this text`;

/** What `npm run serve` was asked to do. */
export interface ServeArgs {
  projectDir: string;
  port: number;
  build: boolean;
  files: string[];
  help: boolean;
  /** `--compute`: where inference jobs run (absent: the service host's default, `auto`). */
  compute?: ComputeMode;
}

/**
 * Parses `npm run serve`'s arguments; relative paths are taken from `cwd` (npm's INIT_CWD, the
 * folder the command was typed in).
 * @throws Error with the problem (the caller prints it with {@link SERVE_USAGE} and exits 2)
 */
export function parseServeArgs(argv: string[], cwd: string, home: string = homedir()): ServeArgs {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        project: { type: 'string' },
        port: { type: 'string' },
        'no-build': { type: 'boolean' },
        compute: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (e) {
    throw new Error(`serve: ${(e as Error).message}`);
  }
  const { values, positionals } = parsed;
  let port = 0;
  if (values.port !== undefined) {
    // decimal digits only: "1e3", "0x50", " 80" and "-1" are refused, not read as numbers
    if (!/^\d{1,5}$/.test(values.port) || Number(values.port) > 65535) throw new Error(`serve: --port must be an integer in 0..65535, got ${JSON.stringify(values.port)}`);
    port = Number(values.port);
  }
  if (values.project !== undefined && values.project.trim() === '') throw new Error('serve: --project needs a folder');
  if (values.compute !== undefined && !(COMPUTE_MODES as readonly string[]).includes(values.compute)) throw new Error(`serve: --compute must be one of ${COMPUTE_MODES.join(', ')}, got ${JSON.stringify(values.compute)}`);
  return {
    projectDir: values.project !== undefined ? resolve(cwd, values.project) : resolve(home, 'PatchLens'),
    port,
    build: !values['no-build'],
    files: positionals.map((f) => resolve(cwd, f)),
    help: values.help === true,
    compute: values.compute as ServeArgs['compute'],
  };
}
