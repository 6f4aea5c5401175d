// First: tfjs quiet in this thread (no "install the node backend" banner; see tfjsNode.ts).
import '../src-node/tfjsNode';
import { readFileSync } from 'node:fs';
import { INFER_HELP, parseInferArgs } from './inferArgs';
import { SWEEP_HELP, parseSweepArgs } from './sweepArgs';
import { installStopSignals, SIGNAL_EXIT_CODES } from './stopSignals';
import { UsageError } from './usageError';
import type { Io } from './io';

/** Top-level help. */
export const HELP = `Usage: patchlens <command> [options]

PatchLens measures how a patch-based segmentation model's error depends on the position inside
the patch, and which overlap and blending are worth their time.

Commands:
  infer      run a model over an image by patches (patchlens infer --help)
  sweep      run a grid of patch/overlap/placement/blending/mirroring configurations over image/label pairs (patchlens sweep --help)
  report     write the HTML/PDF report of a sweep folder (patchlens report --help)
  help       this help

Options:
  -h, --help     help (also after a command)
  --version      print the version
`;

const defaultIo: Io = {
  out: (s) => process.stdout.write(s),
  err: (s) => process.stderr.write(s),
  isTTY: process.stderr.isTTY === true,
};

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

/**
 * The CLI as the `patchlens` command runs it: {@link main} with SIGINT/SIGTERM stopping the
 * command (exit 130 / 143; see stopSignals.ts).
 */
export async function runCli(argv: string[]): Promise<number> {
  const stop = installStopSignals((line) => process.stderr.write(`${line}\n`));
  try {
    const code = await main(argv, { ...defaultIo, signal: stop.signal });
    const got = stop.received();
    return got ? SIGNAL_EXIT_CODES[got] : code;
  } finally {
    stop.dispose();
  }
}

/**
 * Runs the CLI; resolves to the exit code (0 ok, 1 bad input or failed run, 2 bad usage).
 * Errors are one line (`patchlens: error: …`) unless `--verbose`.
 */
export async function main(argv: string[], io: Io = defaultIo): Promise<number> {
  const [command, ...rest] = argv;
  const verbose = argv.includes('--verbose');
  try {
    if (command === undefined) {
      // No command is a mistake in the command line: the usage on stderr, exit 2.
      io.err(HELP);
      return 2;
    }
    if (command === 'help' || command === '--help' || command === '-h') {
      io.out(HELP);
      return 0;
    }
    if (command === '--version') {
      io.out(`${version()}\n`);
      return 0;
    }
    if (command === 'infer') {
      const args = parseInferArgs(rest);
      if (args.help) {
        io.out(INFER_HELP);
        return 0;
      }
      const { runInferCommand } = await import('./inferCommand');
      await runInferCommand(args, io);
      return 0;
    }
    if (command === 'sweep') {
      const args = parseSweepArgs(rest);
      if (args.help) {
        io.out(SWEEP_HELP);
        return 0;
      }
      const { runSweepCommand } = await import('./sweepCommand');
      await runSweepCommand(args, io);
      return 0;
    }
    if (command === 'report') {
      const { runReportCommand } = await import('./reportCommand');
      await runReportCommand(rest, io);
      return 0;
    }
    throw new UsageError(`unknown command ${JSON.stringify(command)} (commands: infer, sweep, report, help)`);
  } catch (e) {
    const err = e as Error;
    io.err(`patchlens: error: ${err.message}\n`);
    if (verbose && err.stack) io.err(`${err.stack}\n`);
    return err instanceof UsageError ? 2 : 1;
  }
}
