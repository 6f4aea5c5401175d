// A damaged project.json is never lost (issue 11, item 4): it is moved aside to
// project.json.corrupt-<time>, the user is told, and the project is rebuilt from its runs. On the
// code before the fix the damaged file was read as an empty project and overwritten on the next
// change (these tests fail there: no .corrupt- file, empty recent list, no notices).
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { MAX_RECENT, ProjectStore, RUN_INPUTS_FILE } from '../../../src-node/app/projectStore';

const root = mkdtempSync(join(tmpdir(), 'patchlens-projectjson-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let n = 0;
const fixedNow = () => new Date('2026-12-06T21:37:50.123Z');

/** A project folder holding runs made from real (tiny) input files; `missing` runs point at files that are gone. */
function projectWithRuns(runs: { id: string; createdAt: string; missing?: boolean; label?: boolean }[]): { dir: string; inputs: Record<string, { image: string; label: string | null; model: string }> } {
  const dir = join(root, `p${n++}`);
  const files = join(dir, '..', `inputs-${n}`);
  mkdirSync(files, { recursive: true });
  mkdirSync(dir, { recursive: true });
  const inputs: Record<string, { image: string; label: string | null; model: string }> = {};
  for (const r of runs) {
    const image = join(files, `${r.id}-img.nii.gz`);
    const label = r.label === false ? null : join(files, `${r.id}-lab.nii.gz`);
    const model = join(files, `${r.id}-model`);
    if (!r.missing) {
      writeFileSync(image, 'i');
      if (label) writeFileSync(label, 'l');
      mkdirSync(model, { recursive: true });
    }
    const runDir = join(dir, 'runs', r.id);
    mkdirSync(runDir, { recursive: true });
    writeFileSync(join(runDir, 'run.json'), JSON.stringify({ id: r.id, createdAt: r.createdAt, layers: [], settings: {} }));
    writeFileSync(join(runDir, RUN_INPUTS_FILE), JSON.stringify({ imagePath: image, labelPath: label, model: { path: model, sha256: 'ab', name: 'm' } }));
    inputs[r.id] = { image, label, model };
  }
  return { dir, inputs };
}

const RUNS = [
  { id: 'r1', createdAt: '2026-12-01T10:00:00.000Z' },
  { id: 'r3', createdAt: '2026-12-03T10:00:00.000Z', missing: true },
  { id: 'r2', createdAt: '2026-12-02T10:00:00.000Z', label: false },
];

describe('a damaged project.json', () => {
  const good = JSON.stringify({ format: 'patchlens.project', version: 1, recent: [{ kind: 'image', path: '/a.nii', name: 'a.nii', openedAt: '2026-01-01T00:00:00.000Z' }], current: { image: '/a.nii', label: null, model: null } }, null, 2);
  const damaged: [string, string | Buffer, RegExp][] = [
    ['truncated', good.slice(0, 60), /^project\.json was damaged \((Unterminated string|Unexpected end|Expected).*\); it was moved to project\.json\.corrupt-2026-12-06T21-37-50Z and the project was rebuilt from its 3 runs$/],
    ['empty', '', /^project\.json was damaged \(Unexpected end of JSON input\); it was moved to project\.json\.corrupt-2026-12-06T21-37-50Z and the project was rebuilt from its 3 runs$/],
    ['garbage', Buffer.from([0x7b, 0x00, 0xff, 0x13, 0x37, 0x22, 0x0a]), /^project\.json was damaged \(.+\); it was moved to project\.json\.corrupt-2026-12-06T21-37-50Z and the project was rebuilt from its 3 runs$/],
  ];
  for (const [what, bytes, message] of damaged) {
    it(`(${what}) is moved aside byte for byte, the user is told, and the project is rebuilt from its runs`, () => {
      const { dir, inputs } = projectWithRuns(RUNS);
      writeFileSync(join(dir, 'project.json'), bytes);
      const store = new ProjectStore(dir, { now: fixedNow });
      expect(store.notices).toHaveLength(1);
      expect(store.notices[0]).toMatch(message);
      expect(readFileSync(join(dir, 'project.json.corrupt-2026-12-06T21-37-50Z'))).toEqual(Buffer.from(bytes));
      // Newest run first; r3's files are gone, so `current` is r2's (no label).
      expect(store.recent.map((r) => [r.kind, r.path, r.openedAt])).toEqual([
        ['image', inputs.r3.image, RUNS[1].createdAt],
        ['label', inputs.r3.label, RUNS[1].createdAt],
        ['model', inputs.r3.model, RUNS[1].createdAt],
        ['image', inputs.r2.image, RUNS[2].createdAt],
        ['model', inputs.r2.model, RUNS[2].createdAt],
        ['image', inputs.r1.image, RUNS[0].createdAt],
        ['label', inputs.r1.label, RUNS[0].createdAt],
        ['model', inputs.r1.model, RUNS[0].createdAt],
      ]);
      expect(store.recent[0].name).toBe('r3-img.nii.gz');
      expect(store.current).toEqual({ image: inputs.r2.image, label: null, model: inputs.r2.model });
      // The rebuilt project is saved, and opening again finds nothing wrong.
      store.close();
      const again = new ProjectStore(dir);
      expect(again.notices).toEqual([]);
      expect(again.recent).toHaveLength(8);
      again.close();
    });
  }

  it('never overwrites an earlier damaged copy', () => {
    const { dir } = projectWithRuns([]);
    for (const text of ['{ first', '{ second']) {
      writeFileSync(join(dir, 'project.json'), text);
      const store = new ProjectStore(dir, { now: fixedNow });
      expect(store.notices[0]).toMatch(/and the project was started afresh \(there are no runs to rebuild it from\)$/);
      store.close();
    }
    expect(readFileSync(join(dir, 'project.json.corrupt-2026-12-06T21-37-50Z'), 'utf8')).toBe('{ first');
    expect(readFileSync(join(dir, 'project.json.corrupt-2026-12-06T21-37-50Z-2'), 'utf8')).toBe('{ second');
    expect(JSON.parse(readFileSync(join(dir, 'project.json'), 'utf8'))).toMatchObject({ format: 'patchlens.project', version: 1, recent: [] });
  });

  const foreign: [string, unknown, string][] = [
    ['a newer version', { format: 'patchlens.project', version: 2, recent: [] }, 'format "patchlens.project", version 2; this PatchLens reads format "patchlens.project" version 1'],
    ['another format', { format: 'someone.else', version: 1 }, 'format "someone.else", version 1; this PatchLens reads format "patchlens.project" version 1'],
    ['an array', [1, 2], 'it holds an array, not a project object'],
    ['null', null, 'it holds null, not a project object'],
  ];
  for (const [what, value, problem] of foreign) {
    it(`of ${what} (valid JSON) is moved aside with its own message`, () => {
      const { dir } = projectWithRuns([RUNS[0]]);
      writeFileSync(join(dir, 'project.json'), JSON.stringify(value));
      const store = new ProjectStore(dir, { now: fixedNow });
      expect(store.notices).toEqual([`project.json is not a project file this PatchLens reads (${problem}); it was moved to project.json.corrupt-2026-12-06T21-37-50Z and the project was rebuilt from its 1 run`]);
      expect(JSON.parse(readFileSync(join(dir, 'project.json.corrupt-2026-12-06T21-37-50Z'), 'utf8'))).toEqual(value);
      expect(store.recent).toHaveLength(3);
      store.close();
    });
  }

  it('keeps the good entries of a file with some unreadable ones, and a copy of the original', () => {
    const { dir } = projectWithRuns([]);
    const original = JSON.stringify({
      format: 'patchlens.project',
      version: 1,
      recent: [{ kind: 'image', path: '/a.nii', name: 'a.nii', openedAt: '2026-01-01T00:00:00.000Z' }, { kind: 'video', path: '/b' }, 7],
      current: { image: '/a.nii', label: 5, model: null },
    });
    writeFileSync(join(dir, 'project.json'), original);
    const store = new ProjectStore(dir, { now: fixedNow });
    expect(store.notices).toEqual(['project.json had unreadable entries (recent[1], recent[2], current.label), which were left out; a copy of the file was kept as project.json.corrupt-2026-12-06T21-37-50Z']);
    expect(store.recent.map((r) => r.path)).toEqual(['/a.nii']);
    expect(store.current).toEqual({ image: '/a.nii', label: null, model: null });
    expect(readFileSync(join(dir, 'project.json.corrupt-2026-12-06T21-37-50Z'), 'utf8')).toBe(original);
    store.close();
    const again = new ProjectStore(dir);
    expect(again.notices).toEqual([]);
    again.close();
  });

  it('is left as it is by a read-only window (another PatchLens owns the folder), which still shows the rebuilt project', () => {
    const { dir, inputs } = projectWithRuns([RUNS[0]]);
    const owner = new ProjectStore(dir);
    writeFileSync(join(dir, 'project.json'), '{"format": "patchlens.proj');
    const viewer = new ProjectStore(dir, { now: fixedNow });
    expect(viewer.readOnly).toBe(true);
    expect(viewer.notices[1]).toMatch(/^project\.json was damaged \(.+\); it was left as it is \(this window is read-only\) and the project was rebuilt from its 1 run$/);
    expect(viewer.recent.map((r) => r.path)).toEqual([inputs.r1.image, inputs.r1.label, inputs.r1.model]);
    expect(readdirSync(dir).filter((f) => f.includes('corrupt'))).toEqual([]);
    expect(readFileSync(join(dir, 'project.json'), 'utf8')).toBe('{"format": "patchlens.proj');
    viewer.close();
    owner.close();
  });
});

describe('the recent list', () => {
  it('keeps at most 20 entries, newest first, without duplicates, across reopening', () => {
    const dir = join(root, 'recent');
    const store = new ProjectStore(dir);
    for (let i = 0; i < 25; i++) store.addRecent('image', `/data/img${i}.nii.gz`);
    store.addRecent('image', '/data/img10.nii.gz');
    store.close();
    const again = new ProjectStore(dir);
    expect(again.recent).toHaveLength(MAX_RECENT);
    expect(again.recent[0].path).toBe('/data/img10.nii.gz');
    expect(again.recent.filter((r) => r.path === '/data/img10.nii.gz')).toHaveLength(1);
    expect(again.notices).toEqual([]);
    again.close();
  });
});
