import { NotWritableError, probeWritable } from '../src-node/fs/probeWritable';
import { UsageError } from './usageError';

/**
 * Refuses an `--out` that cannot be written, before any work: `infer: --out /proc/x is not
 * writable: …` (a {@link UsageError}, exit 2, as every other bad option value).
 * @param command the command's name, the message's prefix
 * @param out the folder as given to `--out`
 * @param where `beside` for infer (its folder is written beside the target, then renamed onto
 *   it), `inside` for sweep and report (files written into the folder)
 * @param option how the message names the folder (default `--out`; report without --out: `the sweep folder`)
 */
export async function assertOutWritable(command: string, out: string, where: 'inside' | 'beside', option = '--out'): Promise<void> {
  try {
    await probeWritable(out, { option, where });
  } catch (e) {
    if (e instanceof NotWritableError) throw new UsageError(`${command}: ${e.message}`);
    throw e;
  }
}
