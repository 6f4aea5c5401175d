import type { ReportParts } from './reportParts';
import { arr, isRec, num, rec, str, strs, type Rec } from './readLenient';
import type { ResultLite } from './readResult';
import type { ReportInputFile, ReportMachine, ReportProvenance } from './reportTypes';

/** Where the numbers come from: the summary's provenance, filled from sweep.json and the results where it lacks a part. */
export function readProvenance(p: Rec, sweep: Rec, results: ResultLite[], parts: ReportParts): ReportProvenance {
  const app = rec(p.app ?? sweep.app);
  const model = rec(p.model ?? sweep.model);
  const versions = rec(p.versions ?? sweep.versions);
  const backend = p.backend ?? sweep.backend;
  const backendRec = rec(backend);
  const inputs: ReportInputFile[] = arr(p.inputs)
    .filter(isRec)
    .map((i) => ({ caseId: str(i.caseId) ?? '—', role: i.role === 'label' ? ('label' as const) : ('image' as const), path: str(i.path) ?? '—', sha256: str(i.sha256) }));
  if (inputs.length === 0) {
    // The summary's cases, each hash taken from sweep.json's same case (same files) where the summary lacks it.
    const planned = new Map(arr(sweep.cases).filter(isRec).map((c) => [str(c.id), c]));
    for (const c of arr(p.cases ?? sweep.cases).filter(isRec)) {
      const id = str(c.id) ?? '—';
      const o = rec(planned.get(id));
      const hash = (role: 'image' | 'label') =>
        str(c[`${role}Sha256`]) ?? str(rec(c.sha256)[role]) ?? (o[role] === c[role] ? (str(o[`${role}Sha256`]) ?? str(rec(o.sha256)[role])) : null);
      if (str(c.image)) inputs.push({ caseId: id, role: 'image', path: c.image as string, sha256: hash('image') });
      if (str(c.label)) inputs.push({ caseId: id, role: 'label', path: c.label as string, sha256: hash('label') });
    }
  }
  let machines: ReportMachine[] = arr(p.machines ?? sweep.machines)
    .map((m) => {
      if (typeof m === 'string') return { id: m, description: null };
      if (!isRec(m) || !str(m.id)) return null;
      const parts = [str(m.description), num(m.results) !== null ? `${m.results as number} result(s)` : null, strs(m.backends)?.length ? `backend ${(m.backends as string[]).join(', ')}` : null];
      return { id: m.id as string, description: parts.filter((x) => x).join('; ') || null };
    })
    .filter((m): m is ReportMachine => m !== null);
  if (machines.length === 0) machines = [...new Set(results.map((r) => r.machine).filter((m): m is string => m !== null))].map((id) => ({ id, description: null }));
  const backends = [...new Set(results.map((r) => r.backend).filter((b): b is string => b !== null))];
  const options = isRec(p.options) ? p.options : isRec(sweep.options) ? sweep.options : isRec(sweep.grid) ? { grid: sweep.grid } : {};
  return {
    app: str(app.name) && str(app.version) ? { name: app.name as string, version: app.version as string } : null,
    tfjsVersion: str(p.tfjsVersion) ?? str(versions.tfjs),
    backend: typeof backend === 'string' ? backend : (str(backendRec.name) ?? (backends.length ? backends.join(', ') : null)),
    gpuRenderer: str(p.gpuRenderer) ?? str(backendRec.renderer),
    model: str(model.name) || str(model.sha256) ? { name: str(model.name) ?? '—', sha256: str(model.sha256), path: str(model.path) } : null,
    inputs,
    options,
    date: str(p.date) ?? str(sweep.created) ?? str(sweep.date) ?? str(sweep.startedAt),
    machines,
    sweepDir: str(p.sweepDir) ?? parts.sweepDir ?? null,
    reportGeneratedAt: (parts.now ?? new Date()).toISOString(),
    reportGenerator: parts.generator ?? null,
  };
}

