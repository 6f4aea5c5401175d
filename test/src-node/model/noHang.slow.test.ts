// What used to hang, each run in a child process that is killed if it does not answer, so that a
// regression cannot hang the suite: loadModelInfo (the app's "open model") on a cycle and on a
// dangling inbound node (tfjs-layers spun on the service's own thread), and resolveSpec alone on a
// graph model whose output sits on an Identity cycle. Before the fix these failed by that guard
// (checked against a copy of HEAD).
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { repoRoot } from '../../helpers/sharedData';
import { DEMO_MODEL, editedFolder, layersOf, rewire } from '../../shared/engine/model/malformedModels';

const cleanups: (() => void)[] = [];
afterEach(() => cleanups.splice(0).forEach((c) => c()));

/** Guard against a hang: far above a normal answer (child start-up, worker start-up, build: a few seconds). */
const GUARD_MS = 60_000;

/** A child's JSON answer. */
type Answer = { ok: boolean; code?: string; message?: string; info?: Record<string, unknown>; outputActivation?: string; classes?: number };

/** Runs `fixtures/<script>.ts` with `args` and returns its JSON line; rejects when it has not answered within GUARD_MS. */
function runChild(script: string, ...args: string[]): Promise<Answer> {
  const path = fileURLToPath(new URL(`./fixtures/${script}.ts`, import.meta.url));
  const child = spawn(process.execPath, ['--import', 'tsx', path, ...args], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr.on('data', (c: Buffer) => (err += c.toString()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${script} did not answer within ${GUARD_MS / 1000} s (it hangs); stderr: ${err.slice(-500)}`));
    }, GUARD_MS);
    child.on('exit', (code) => {
      clearTimeout(timer);
      const line = out.split('\n').find((l) => l.startsWith('{'));
      if (!line) reject(new Error(`${script} exited (${code}) without an answer; stderr: ${err.slice(-1000)}`));
      else resolve(JSON.parse(line) as Answer);
    });
  });
}

const loadModelInfoInChild = (dir: string) => runChild('loadModelInfoChild', dir);

describe('loadModelInfo never hangs on a malformed model (child-process guard)', () => {
  it('the demo model opens', { timeout: GUARD_MS + 10_000 }, async () => {
    const r = await loadModelInfoInChild(DEMO_MODEL);
    expect(r.ok).toBe(true);
    expect(r.info).toMatchObject({ path: DEMO_MODEL, translationEquivariant: true, hasTrainingMap: true });
    expect((r.info!.classes as unknown[]).length).toBe(2);
  });

  it('a cycle in the layer graph is a bad-input error naming the layers on it', { timeout: GUARD_MS + 10_000 }, async () => {
    const dir = editedFolder('model5_gw_ae', (j) => rewire(layersOf(j), 1, '23'), cleanups);
    const r = await loadModelInfoInChild(dir);
    expect(r).toMatchObject({ ok: false, code: 'bad-input' });
    expect(r.message).toMatch(/^model patchlens-malformed-\w+: the model cannot be loaded: loadModel: model.json's layer graph has a cycle: "22" → "23" → "21" → "22" \(each layer feeds the next\)$/);
  });

  it('a dangling inbound node is a bad-input error naming the layer and the missing name', { timeout: GUARD_MS + 10_000 }, async () => {
    const dir = editedFolder('model5_gw_ae', (j) => rewire(layersOf(j), 2, 'nope'), cleanups);
    const r = await loadModelInfoInChild(dir);
    expect(r).toMatchObject({ ok: false, code: 'bad-input' });
    expect(r.message).toMatch(/^model patchlens-malformed-\w+: the model cannot be loaded: loadModel: layer "22" \(Activation\) reads layer "nope", which is not in the model$/);
  });
});

describe('resolveSpec alone never hangs (child-process guard)', () => {
  it('a graph model whose output is on a cycle of Identity nodes gets a spec', { timeout: GUARD_MS + 10_000 }, async () => {
    expect(await runChild('resolveSpecChild')).toEqual({ ok: true, outputActivation: 'logits-softmax', classes: 2 });
  });
});
