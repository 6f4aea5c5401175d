/** Where the CLI writes (injectable for tests), and what stops it. */
export interface Io {
  out: (s: string) => void;
  err: (s: string) => void;
  isTTY: boolean;
  /** Cancels the command (SIGINT/SIGTERM in the real CLI: see stopSignals.ts). */
  signal?: AbortSignal;
}
