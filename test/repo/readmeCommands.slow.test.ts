/**
 * Every fenced block of the README is run or checked here (issue 12, item 14). Shell blocks run
 * command by command in a throwaway copy of the repository root (symbolic links, its own out/,
 * ../shared beside it), exactly as written, unless the command is listed below with the reason
 * it cannot run inside the suite and what is checked instead. TypeScript blocks run with tsx
 * from that root (or, when they are a file of the repository verbatim, as that file); a `text`
 * block is the output of the block before it. A block or a command that is neither run nor
 * listed fails the test, and so does a listed command the README no longer has.
 */
import { existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_SWEEP } from '../../scripts/demo';
import { parseSweepArgs } from '../../src-cli/sweepArgs';
import { parseInferArgs } from '../../src-cli/inferArgs';
import { parseServeArgs } from '../../src-server/parseServeArgs';
import { repoRoot, sharedDir } from '../helpers/sharedData';
import { fencedBlocks, makeWorkspace, runShell, shellCommands, type CommandResult, type FencedBlock } from './readmeBlocks';

const readme = readFileSync(resolve(repoRoot, 'README.md'), 'utf8');
const blocks = fencedBlocks(readme);
const pkg = JSON.parse(readFileSync(resolve(repoRoot, 'package.json'), 'utf8')) as { scripts: Record<string, string> };

let ws = '';
beforeAll(() => {
  ws = makeWorkspace(repoRoot, sharedDir);
});
afterAll(() => {
  if (ws) rmSync(dirname(ws), { recursive: true, force: true });
});

/** The environment README commands run in: the repository's node_modules/.bin and bin/ on PATH. */
const env = (): NodeJS.ProcessEnv => ({ ...process.env, PATH: `${join(repoRoot, 'node_modules', '.bin')}:${join(repoRoot, 'bin')}:${process.env.PATH ?? ''}` });

async function runOk(command: string): Promise<CommandResult> {
  const r = await runShell(command, ws, { env: env() });
  if (r.code !== 0) throw new Error(`README command failed (exit ${r.code}): ${command}\n${r.stdout}\n${r.stderr}`);
  return r;
}

/** How a README command is handled: run as written, run with a substitute, or not run (with why) and checked otherwise. */
interface CommandPolicy {
  match: RegExp;
  how: 'run' | 'substitute' | 'not run';
  /** Why it is not run as written (substitute, not run). */
  why?: string;
  /** Runs or checks the command; returns what it printed when it ran (for a `text` block after it). */
  check: (command: string) => Promise<string | void> | void;
}

const realInfer = /^npm run patchlens -- infer --image \.\.\/shared\/data\/mricron\/ch2\.nii\.gz --label \.\.\/shared\/data\/mricron\/ch2bet\.nii\.gz --model \.\.\/shared\/models\/brainchop\/model5_gw_ae /;

const POLICIES: CommandPolicy[] = [
  {
    match: /^npm install && npm run demo$/,
    how: 'not run',
    why: 'installing is what the suite runs after (.ci/run: npm ci), and the demo takes minutes; test/scripts/demo*.test.ts and test/shared/sweep, test/src-node/sweep cover its parts',
    check: () => {
      expect(pkg.scripts.demo).toBe('tsx scripts/demo.ts');
      // The demo's own command line parses, and the README describes the grid it really runs.
      const args = parseSweepArgs(['--model', 'demo/model', '--out', 'out/demo', '--case', 'a=x.nii.gz:y.nii.gz', ...Object.entries(DEMO_SWEEP).flatMap(([k, v]) => [`--${k}`, v])]);
      expect(args.repeats).toBe(2);
      expect(readme).toContain(`(patch ${DEMO_SWEEP.patch}³; overlap ${DEMO_SWEEP.overlap.split(',').join(', ')}; constant, gaussian, crop and\nperformance-weighted blending; a warm-up and two timed runs each)`);
      expect(DEMO_SWEEP.blend).toBe('constant,gaussian,crop,performance-weighted');
    },
  },
  {
    match: /^npm test$/,
    how: 'not run',
    why: 'it is the suite this test belongs to',
    check: () => {
      expect(pkg.scripts.test).toBe('npm run typecheck && npm run lint && npm run check:cycles && npm run test:unit');
      expect(readFileSync(resolve(repoRoot, '.ci/run'), 'utf8')).toMatch(/^npm test$/m);
    },
  },
  {
    // The README's own example of a patch below the receptive field: run until PatchLens has
    // said so (before any window runs), then stopped with Ctrl+C (the whole run takes a minute).
    match: new RegExp(realInfer.source + '--out out/ch2-p64 --patch 64 --overlap 0\\.5 --blend gaussian$'),
    how: 'substitute',
    why: 'run as written until it has printed its receptive-field warning, then stopped with SIGINT (the whole run takes about a minute of CPU)',
    check: async (command) => {
      const r = await runShell(command, ws, { env: env(), stopWhen: (out) => /receptive field/.test(out) || /window/.test(out.replace(/^warning:.*$/gm, '')), killAfterMs: 60_000 });
      const out = r.stdout + r.stderr;
      expect(out).toMatch(/^warning: patch 64 < receptive field 93 on every axis: expect border errors/m);
      // The README promises that Ctrl+C stops any command within seconds.
      expect(r.killed, 'the command had not stopped a minute after SIGINT').toBe(false);
      expect(r.code).not.toBe(0); // stopped
      expect(existsSync(join(ws, 'out', 'ch2-p64', 'result.json'))).toBe(false); // nothing half-written
      return out;
    },
  },
  {
    match: new RegExp(realInfer.source + '--out out/ch2 --patch whole$'),
    how: 'run',
    check: async (command) => {
      const r = await runOk(command);
      const result = JSON.parse(readFileSync(join(ws, 'out', 'ch2', 'result.json'), 'utf8')) as { dice: { mean: number }; windows: number; warnings: string[] };
      expect(result.windows).toBe(1);
      expect(result.warnings.join('\n')).not.toMatch(/receptive field/);
      // The Dice the README quotes for this command is the one it gives.
      expect(readme).toContain(`\`--patch whole\`: brain Dice ${result.dice.mean.toFixed(3)}`);
      return r.stdout + r.stderr;
    },
  },
  {
    match: /^npm run patchlens -- sweep --model demo\/model --out out\/s1 --case a=demo\/data\/ch2-2mm_t1\.nii\.gz:demo\/data\/ch2-2mm_brain\.nii\.gz --patch 16,24 --overlap 0,0\.25,0\.5 --blend constant,gaussian,crop,performance-weighted --repeats 3$/,
    how: 'substitute',
    why: 'the grid as written runs for minutes: the same command with one patch, one overlap, two blends and one repeat',
    check: async (command) => {
      const tiny = command.replace('--patch 16,24', '--patch 24').replace('--overlap 0,0.25,0.5', '--overlap 0').replace('--blend constant,gaussian,crop,performance-weighted', '--blend constant,gaussian').replace('--repeats 3', '--repeats 1');
      expect(tiny).not.toBe(command);
      parseSweepArgs(command.split(' ').slice(5)); // the full grid parses (after `npm run patchlens -- sweep`)
      await runOk(tiny);
      expect(existsSync(join(ws, 'out', 's1', 'summary.json')) || existsSync(join(ws, 'out', 's1', 'results'))).toBe(true);
    },
  },
  {
    match: /^npm run patchlens -- report out\/s1$/,
    how: 'run',
    check: async (command) => {
      await runOk(command);
      for (const f of ['report.html', 'report.pdf', 'report.json']) expect(statSync(join(ws, 'out', 's1', f)).size).toBeGreaterThan(0);
    },
  },
  {
    match: /^npm start$/,
    how: 'not run',
    why: "opens Electron's window: needs Electron's binary and a display (test/scripts/start.test.ts runs scripts/start.ts without the binary)",
    check: () => expect(pkg.scripts.start).toBe('tsx scripts/start.ts'),
  },
  {
    match: /^npm run serve$/,
    how: 'not run',
    why: 'a server that runs until stopped, and it builds the renderer first; test/e2e drives it in Chromium',
    check: () => {
      // In-process tsx (no tsx supervisor between npm and the server; test/src-server/serve.slow.test.ts runs it).
      expect(pkg.scripts.serve).toBe('node --import tsx src-server/main.ts');
      expect(parseServeArgs([], ws).projectDir).toBe(join(homedir(), 'PatchLens'));
    },
  },
  {
    match: /^npm run serve -- --project DIR --port 8080 image\.nii\.gz labels\.nii\.gz model-folder\/$/,
    how: 'not run',
    why: 'DIR and the files are placeholders for your own',
    check: (command) => {
      const args = parseServeArgs(command.split(' ').slice(4), ws);
      expect(args).toMatchObject({ projectDir: join(ws, 'DIR'), port: 8080, files: ['image.nii.gz', 'labels.nii.gz', 'model-folder'].map((f) => join(ws, f)) });
    },
  },
];

/** The policy of one command; an error naming the command when none or several match. */
function policyOf(command: string): CommandPolicy {
  const found = POLICIES.filter((p) => p.match.test(command));
  if (found.length !== 1) throw new Error(`README command ${found.length === 0 ? 'neither run nor listed in test/repo/readmeCommands.slow.test.ts' : 'matched by several policies'}: ${command}`);
  return found[0];
}

/** The file of examples/ that a ts block shows verbatim (then it runs as that file), if any. */
function verbatimFile(block: FencedBlock): string | null {
  const dir = resolve(repoRoot, 'examples');
  const name = readdirSync(dir).find((f) => f.endsWith('.ts') && readFileSync(join(dir, f), 'utf8').trimEnd() === block.code);
  return name ? `examples/${name}` : null;
}

const isCode = (b: FencedBlock) => ['sh', 'bash', 'ts'].includes(b.lang);

describe('README blocks', () => {
  it('has only blocks this test knows how to run or check', () => {
    for (const [i, b] of blocks.entries()) {
      if (isCode(b)) continue;
      if (b.lang === 'text') {
        expect(isCode(blocks[i - 1] ?? { lang: '', code: '', line: 0 }), `the text block on line ${b.line} follows no code block`).toBe(true);
        continue;
      }
      expect(b.lang === '' && b.code.startsWith('shared/'), `block on line ${b.line} (${b.lang || 'no language'}) is neither run nor checked`).toBe(true);
    }
    for (const b of blocks.filter((x) => x.lang === 'sh' || x.lang === 'bash')) for (const c of shellCommands(b.code)) policyOf(c);
  });

  it('lists only commands the README has', () => {
    const commands = blocks.filter((b) => b.lang === 'sh' || b.lang === 'bash').flatMap((b) => shellCommands(b.code));
    for (const p of POLICIES) expect(commands.filter((c) => p.match.test(c)), `${p.match} matches no README command`).toHaveLength(1);
    for (const p of POLICIES) if (p.how !== 'run') expect(p.why, `${p.match} says why it is not run as written`).toBeTruthy();
  });

  it('names only npm scripts that exist', () => {
    const named = [...readme.matchAll(/`npm run ([\w:-]+)/g)].map((m) => m[1]);
    expect(named.length).toBeGreaterThan(5);
    for (const n of new Set(named)) expect(pkg.scripts[n], `npm run ${n}`).toBeDefined();
  });

  it('the repository layout block names folders and files that exist', () => {
    const tree = blocks.find((b) => b.lang === '' && b.code.startsWith('shared/'))!;
    let top = '';
    const paths: string[] = [];
    for (const line of tree.code.split('\n')) {
      const topLevel = /^(\S+)\s/.exec(line + ' ');
      const nested = /^ {2}(\S+\/)\s/.exec(line);
      if (topLevel) paths.push((top = topLevel[1]));
      else if (nested) paths.push(top + nested[1]);
    }
    expect(paths.length).toBeGreaterThan(15);
    for (const p of paths) expect(existsSync(resolve(repoRoot, p)), p).toBe(true);
  });

  const runnable = blocks.map((b, i) => ({ b, next: blocks[i + 1]?.lang === 'text' ? blocks[i + 1] : null })).filter(({ b }) => isCode(b));
  it.each(runnable.map((r) => [`${r.b.lang} block on line ${r.b.line}`, r] as const))('%s runs', async (_name, { b, next }) => {
    let output = '';
    if (b.lang === 'ts') {
      const file = verbatimFile(b);
      let path = file;
      if (!path) {
        path = `readme-block-${b.line}.ts`;
        writeFileSync(join(ws, path), b.code + '\n');
      }
      // A repository file runs by its real path (its `import.meta.url === argv[1]` check sees through no symbolic link).
      output = (await runOk(`tsx ${file ? join(repoRoot, file) : path}`)).stdout;
      if (next) expect(output.trimEnd()).toBe(next.code);
      return;
    }
    for (const command of shellCommands(b.code)) output += (await policyOf(command).check(command)) ?? '';
    if (next) for (const line of next.code.split('\n').filter((l) => l.trim())) expect(output, 'the text block after it').toContain(line.trim());
  }, 600_000);
});

describe('README prose it checks against the code', () => {
  it('gives each transport its own project folder', () => {
    expect(parseServeArgs([], '/x', '/home/u').projectDir).toBe('/home/u/PatchLens');
    expect(readFileSync(resolve(repoRoot, 'src-main/index.ts'), 'utf8')).toContain("join(app.getPath('documents'), 'PatchLens')");
    expect(readme).toContain('`~/PatchLens` for `npm run serve`');
    expect(readme).toContain("`~/Documents/PatchLens` for the Electron app (`app.getPath('documents')`)");
  });

  it('links docs that exist, and DESIGN.md nowhere', () => {
    const links = [...readme.matchAll(/\]\(((?:docs|demo)\/[^)#]+)\)/g)].map((m) => m[1]);
    expect(links).toContain('docs/architecture.md');
    for (const l of links) expect(existsSync(resolve(repoRoot, l)), l).toBe(true);
    expect(readme).not.toMatch(/DESIGN\.md/);
  });

  it('infer --patch parses both README forms', () => {
    expect(parseInferArgs(['--image', 'a.nii', '--model', 'm', '--out', 'o', '--patch', 'whole']).patch).toBe('whole');
  });
});

describe('README dependency table', () => {
  it('names every package of package.json, and only those', () => {
    const full = JSON.parse(readFileSync(resolve(repoRoot, 'package.json'), 'utf8')) as { dependencies: Record<string, string>; devDependencies: Record<string, string> };
    const section = readme.slice(readme.indexOf('## Dependencies and what each is for'), readme.indexOf('## The desktop app'));
    const named: string[] = [];
    for (const row of section.split('\n').filter((l) => l.startsWith('| `'))) {
      const cell = row.split(' | ')[0];
      let base = '';
      for (const [, name] of cell.matchAll(/`([^`]+)`/g)) {
        // `@tensorflow/tfjs-backend-cpu`, `-backend-wasm`: a leading '-' continues the previous name's stem.
        if (name.startsWith('-')) named.push(base + name);
        else {
          named.push(name);
          base = name.replace(/^((?:@[^/]+\/)?[^-]+).*$/, '$1');
        }
      }
    }
    expect(named.sort()).toEqual([...Object.keys(full.dependencies), ...Object.keys(full.devDependencies)].sort());
  });
});
