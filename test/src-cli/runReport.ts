/** Runs `patchlens report` in-process for the report command's tests. */
import type { Io } from '../../src-cli/io';
import { runReportCommand, type ReportCommandDeps } from '../../src-cli/reportCommand';

/** What one run printed (stdout, stderr) and the error it threw, or null. */
export interface ReportRun {
  out: string;
  err: string;
  error: Error | null;
}

/** Runs `patchlens report <argv>` with a capturing Io; never throws (the error is returned). */
export async function runReport(argv: readonly string[], deps: ReportCommandDeps = {}): Promise<ReportRun> {
  let out = '';
  let err = '';
  const io: Io = { out: (s) => void (out += s), err: (s) => void (err += s), isTTY: false };
  try {
    await runReportCommand(argv, io, deps);
    return { out, err, error: null };
  } catch (e) {
    return { out, err, error: e as Error };
  }
}
