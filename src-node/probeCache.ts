import { mkdirSync, readFileSync } from 'node:fs';
import { cpus, homedir, hostname } from 'node:os';
import { dirname, join } from 'node:path';
import { PROBE_METHOD, type BackendChoice, type ProbeCache } from '../shared/engine/backend/selectBackend';
import { writeJsonAtomic } from './fs/atomicWrite';

/** The machine a probe result belongs to: a cached choice is reused only on the same one. */
function machineKey(): string {
  return [hostname(), cpus()[0]?.model ?? 'cpu', cpus().length, process.version, process.arch].join(' | ');
}

/**
 * The per-machine backend probe cache of the CLI: `$XDG_CACHE_HOME/patchlens/backend-probe.json`
 * (default `~/.cache/…`), ignored when it belongs to another machine or Node version, or was
 * measured by another probe method ({@link PROBE_METHOD}).
 */
export function fileProbeCache(path = join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'patchlens', 'backend-probe.json')): ProbeCache {
  return {
    load() {
      try {
        const saved = JSON.parse(readFileSync(path, 'utf8')) as { machine: string; method?: string; choice: BackendChoice };
        return saved.machine === machineKey() && saved.method === PROBE_METHOD ? saved.choice : undefined;
      } catch {
        return undefined;
      }
    },
    save(choice) {
      try {
        mkdirSync(dirname(path), { recursive: true });
        writeJsonAtomic(path, { machine: machineKey(), method: PROBE_METHOD, choice });
      } catch {
        // A read-only home must not fail the run: the probe simply runs again next time.
      }
    },
  };
}
