// @vitest-environment jsdom
/**
 * The app shell's logic: the renderer's state store (runs, jobs, commands, errors), the menu
 * shortcuts of the browser transport, and what a dropped file is opened as.
 */
import { describe, expect, it, vi } from 'vitest';
import type { Events, JobInfo, RunRecord, SessionState } from '../../../shared/api/contract';
import { ApiError, type Api } from '../../../shared/api/transport';
import { AppState } from '../../../src-renderer/app/appState.svelte';
import { commandForKey, isTyping } from '../../../src-renderer/app/shortcuts';
import { guessDropKind, isModelFiles, isNifti } from '../../../src-renderer/app/fileKinds';

/** SHA-256 of the image `a.nii.gz` the runs below are of (a stand-in; only equality matters). */
const A = 'aa'.repeat(32);

function run(id: string, imageSha256: string | null = A, imageName = 'a.nii.gz'): RunRecord {
  return {
    id, createdAt: '2026-11-27T00:00:00Z', imageName, imageSha256, labelName: null, modelName: 'm',
    settings: { patchSize: [24, 24, 24], overlap: 0.5, placement: 'stride', blend: 'gaussian', measure: 'absoluteError' },
    windows: 8, dice: null, timing: { totalMs: 1, preprocessMs: 0, modelMs: 1, stitchMs: 0, postprocessMs: 0 },
    backend: { name: 'wasm', reason: '' }, layers: ['labels'], hasPerformance: false, hasConsistency: false, warnings: [], dir: '/p/runs/' + id,
  };
}

function job(id: string, fraction: number, state: JobInfo['state'] = 'running'): JobInfo {
  return { id, kind: 'inference', label: 'Inference', state, progress: { fraction, phase: 'model', etaMs: 1000, message: '' }, resultId: null, error: null, queuedAt: '', startedAt: null, finishedAt: null };
}

function image(name: string, sha256: string): NonNullable<SessionState['image']> {
  return { name, path: `/data/${name}`, shape: [91, 109, 91], spacing: [2, 2, 2], dtype: 'uint8', range: [0, 255], percentiles: [0, 250], modality: 'MR', sha256 };
}

function session(runs: RunRecord[], jobs: JobInfo[] = [], open: SessionState['image'] = image('a.nii.gz', A)): SessionState {
  return { project: { dir: '/p', name: 'p', readOnly: false, lockedBy: null }, notices: [], image: open, label: null, model: null, runs, sweeps: [], jobs, recent: [] };
}

/** An Api whose events the test fires by hand. */
function fakeApi(initial: SessionState) {
  const listeners = new Map<string, ((p: unknown) => void)[]>();
  const api: Api = {
    transport: 'http',
    call: vi.fn(async (channel: string) => {
      if (channel === 'session:get') return initial;
      throw new ApiError(channel, { code: 'not-found', message: 'no such run r9' });
    }) as Api['call'],
    on: (event, listener) => {
      listeners.set(event, [...(listeners.get(event) ?? []), listener as (p: unknown) => void]);
      return () => listeners.set(event, (listeners.get(event) ?? []).filter((l) => l !== listener));
    },
  };
  const fire = <E extends keyof Events>(event: E, payload: Events[E]) => (listeners.get(event) ?? []).forEach((l) => l(payload));
  return { api, fire, listeners };
}

describe('AppState', () => {
  it('selects the newest run on start, and a run that appears later', async () => {
    const { api, fire } = fakeApi(session([run('r2'), run('r1')]));
    const app = new AppState(api);
    await app.start();
    expect(app.selectedRunId).toBe('r2');
    app.selectedRunId = 'r1';
    fire('session:changed', session([run('r2'), run('r1')]));
    expect(app.selectedRunId).toBe('r1'); // no new run: the user's choice stays
    fire('session:changed', session([run('r3'), run('r2'), run('r1')]));
    expect(app.selectedRunId).toBe('r3');
    fire('session:changed', session([run('r2'), run('r1')])); // r3 deleted
    expect(app.selectedRunId).toBeNull();
  });

  // Issue 12, item 6: before, the selection stayed when another image was opened and the viewer
  // drew the first image's run over the second (selectedRunId stayed 'r2' here).
  it('puts the selection aside when another image opens and brings it back when the first is reopened', async () => {
    const B = 'bb'.repeat(32);
    const runs = [run('r3', B, 'b.nii.gz'), run('r2'), run('r1')];
    const { api, fire } = fakeApi(session(runs));
    const app = new AppState(api);
    await app.start();
    expect(app.selectedRunId).toBe('r2'); // the newest run of the open image a, not r3 (of b)
    app.selectedRunId = 'r1';
    fire('session:changed', session(runs, [], image('b.nii.gz', B)));
    expect(app.selectedRunId).toBeNull();
    expect(app.selectRun('r1')).toBe(false); // a run of a is not shown over b
    expect(app.selectedRunId).toBeNull();
    expect(app.notices.map((n) => n.text)).toEqual(['Run r1 is of a.nii.gz, not of the open image b.nii.gz: open a.nii.gz to show it.']);
    expect(app.selectRun('r3')).toBe(true);
    fire('session:changed', session(runs, [], image('a.nii.gz', A)));
    expect(app.selectedRunId).toBe('r1');
    fire('session:changed', session(runs, [], image('b.nii.gz', B)));
    expect(app.selectedRunId).toBe('r3');
    // Same name and shape, other bytes: another image.
    fire('session:changed', session(runs, [], image('a.nii.gz', 'cc'.repeat(32))));
    expect(app.selectedRunId).toBeNull();
    // A run that did not record its image is never selected.
    fire('session:changed', session([run('r4', null), ...runs], [], image('a.nii.gz', A)));
    expect(app.selectedRunId).toBe('r1');
  });

  it('applies job progress to the jobs without replacing the session', async () => {
    const s = session([], [job('j1', 0)]);
    const { api, fire } = fakeApi(s);
    const app = new AppState(api);
    await app.start();
    const before = app.session;
    fire('job:progress', job('j1', 0.5));
    expect(app.jobs[0].progress.fraction).toBe(0.5);
    expect(app.session).toBe(before);
  });

  it('carries out view commands itself and forwards the others to their handlers', async () => {
    const { api, fire } = fakeApi(session([]));
    const app = new AppState(api);
    await app.start();
    // The viewer registers its commands (toggle-heatmap, reset-view) with the command service.
    const viewer: string[] = [];
    app.onCommand('toggle-heatmap', () => viewer.push('heatmap'));
    app.onCommand('reset-view', () => viewer.push('reset'));
    fire('app:command', { command: 'toggle-heatmap' });
    fire('app:command', { command: 'reset-view' });
    expect(viewer).toEqual(['heatmap', 'reset']);
    fire('app:command', { command: 'show-explorer' });
    expect(app.tab).toBe('explorer');
    const opened: string[] = [];
    const off = app.onCommand('open-image', () => opened.push('image'));
    fire('app:command', { command: 'open-image' });
    off();
    fire('app:command', { command: 'open-image' });
    expect(opened).toEqual(['image']);
  });

  it('turns an API error into an error notice with its message, and stops listening on stop', async () => {
    const { api, listeners } = fakeApi(session([]));
    const app = new AppState(api);
    await app.start();
    const result = await app.attempt('Delete run', () => api.call('run:delete', { runId: 'r9' }));
    expect(result).toBeUndefined();
    // The headline without the channel, the transport's message one click away.
    expect(app.notices).toEqual([{ id: 1, kind: 'error', text: 'Delete run: no such run r9', detail: 'run:delete: no such run r9' }]);
    app.dismiss(1);
    expect(app.notices).toEqual([]);
    app.stop();
    expect([...listeners.values()].every((l) => l.length === 0)).toBe(true);
  });
});

describe('shortcuts', () => {
  const key = (k: string, mods: Partial<{ ctrlKey: boolean; metaKey: boolean; shiftKey: boolean; altKey: boolean }> = {}) => ({ key: k, ctrlKey: false, metaKey: false, shiftKey: false, altKey: false, ...mods });
  it('maps Ctrl/Cmd combinations to the menu commands', () => {
    expect(commandForKey(key('o', { ctrlKey: true }))).toBe('open-image');
    expect(commandForKey(key('O', { metaKey: true }))).toBe('open-image');
    expect(commandForKey(key('M', { ctrlKey: true, shiftKey: true }))).toBe('open-model');
    expect(commandForKey(key('m', { ctrlKey: true }))).toBeNull();
    expect(commandForKey(key('Enter', { ctrlKey: true }))).toBe('run-inference');
    expect(commandForKey(key('Enter', { ctrlKey: true, shiftKey: true }))).toBe('run-sweep');
    expect(commandForKey(key('2', { ctrlKey: true }))).toBe('show-explorer');
    expect(commandForKey(key('o'))).toBeNull();
    expect(commandForKey(key('o', { ctrlKey: true, altKey: true }))).toBeNull();
  });
  it('knows when the user is typing', () => {
    const input = document.createElement('input');
    const range = document.createElement('input');
    range.type = 'range';
    expect(isTyping(input)).toBe(true);
    expect(isTyping(range)).toBe(false);
    expect(isTyping(document.createElement('textarea'))).toBe(true);
    expect(isTyping(document.createElement('div'))).toBe(false);
    expect(isTyping(null)).toBe(false);
  });
});

describe('dropped files', () => {
  it('recognizes NIfTI and model files', () => {
    expect(isNifti('a.nii')).toBe(true);
    expect(isNifti('a.NII.GZ')).toBe(true);
    expect(isNifti('a.nii.zip')).toBe(false);
    expect(isModelFiles(['model.json', 'group1-shard1of1.bin'])).toBe(true);
  });
  it('guesses what a drop is opened as', () => {
    expect(guessDropKind(['model.json', 'w.bin', 'patchlens.json'], true)).toBe('model');
    expect(guessDropKind(['ch2_t1.nii.gz'], true)).toBe('image');
    expect(guessDropKind(['ch2-2mm_brain.nii.gz'], false)).toBe('label');
    expect(guessDropKind(['case.nii.gz'], false)).toBe('image');
    expect(guessDropKind(['case.nii.gz'], true)).toBe('label');
    expect(guessDropKind(['notes.txt'], true)).toBeNull();
    expect(guessDropKind(['a.nii.gz', 'b.nii.gz'], true)).toBeNull();
    expect(guessDropKind([], true)).toBeNull();
  });
});
