// Lint rules, including the layering rules: the layer table below (LAYERS) says which top-level
// folder may import which; every import of another folder that the table does not allow fails
// the lint. shared/ also uses no electron, no node:* / Node built-ins and no DOM or Node globals.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import svelte from 'eslint-plugin-svelte';
import globals from 'globals';
import { builtinModules } from 'node:module';

/** Node built-ins by bare name and with the node: prefix. */
const nodeBuiltins = [...builtinModules, ...builtinModules.map((m) => `node:${m}`)];

/** Globals that exist only in a DOM page or only in Node: the core must use neither. */
const hostGlobals = [
  'window', 'document', 'navigator', 'location', 'localStorage', 'sessionStorage', 'indexedDB',
  'HTMLElement', 'HTMLCanvasElement', 'HTMLImageElement', 'OffscreenCanvas', 'Image', 'ImageData',
  'XMLHttpRequest', 'WebSocket', 'Worker', 'self', 'alert', 'requestAnimationFrame', 'getComputedStyle',
  'process', 'Buffer', 'require', 'module', '__dirname', '__filename', 'global', 'setImmediate',
].map((name) => ({ name, message: 'shared/ is pure TypeScript: no DOM or Node globals (see DESIGN.md).' }));

/**
 * The layer table: each top-level folder and the other folders its files may import from
 * (a folder may always import itself and packages). An import of any other folder named here
 * fails the lint; the rules below are generated from this table, and docs/architecture.md shows it.
 * - test/ may import everything: tests reach into every layer.
 * - bin/ only starts the CLI; examples/ are what a library user writes, like src-cli/.
 * - scripts/ (demo, fuzz) drive the CLI and the server in-process, and bench/ drives the app page
 *   through the e2e harness in test/; neither is imported by app code.
 * Files at the repository root (configs, package.json) belong to no layer.
 * @type {Record<string, { may: string[], why: string }>}
 */
export const LAYERS = {
  shared: { may: [], why: 'shared/ is the bottom layer: pure TypeScript that runs in Node, browsers and Workers' },
  'src-node': { may: ['shared'], why: 'src-node/ holds the Node services under every app face' },
  'src-main': { may: ['src-node', 'shared'], why: 'the Electron main process is one face: it uses src-node/ and shared/, never another face' },
  'src-server': { may: ['src-node', 'shared'], why: 'the browser-mode server is one face: it uses src-node/ and shared/, never another face' },
  'src-cli': { may: ['src-node', 'shared'], why: 'the CLI is one face: it uses src-node/ and shared/, never another face' },
  'src-renderer': { may: ['shared'], why: 'the page talks to main or the server through the typed contract in shared/ only' },
  bin: { may: ['src-cli', 'src-node', 'shared'], why: 'bin/ only starts the CLI' },
  examples: { may: ['src-node', 'shared'], why: 'examples/ use the library as a user would, like src-cli/' },
  scripts: { may: ['src-cli', 'src-server', 'src-node', 'shared'], why: 'scripts/ drive the CLI and the server, not the Electron main process or the page' },
  bench: { may: ['test', 'src-node', 'shared'], why: 'bench/ measures the core and drives the app page through the e2e harness in test/' },
  test: { may: ['shared', 'src-node', 'src-main', 'src-server', 'src-cli', 'src-renderer', 'bin', 'examples', 'scripts', 'bench'], why: 'tests may import everything' },
};

/** The folders a layer may not import: every other folder of the table that its row does not list. */
export function forbiddenLayers(layer) {
  const row = LAYERS[layer];
  if (!row) throw new Error(`forbiddenLayers: '${layer}' is not a folder of the layer table`);
  return Object.keys(LAYERS).filter((other) => other !== layer && !row.may.includes(other));
}

/**
 * One entry for each folder the layer may not import: the regular expression of an import path
 * that names the folder (`../src-node/x`, `../../src-main`, or bare `src-node/x` from the root,
 * which tsconfig's baseUrl resolves), and the message.
 */
function layerRestrictions(layer) {
  const allowed = LAYERS[layer].may.length ? LAYERS[layer].may.map((f) => `${f}/`).join(', ') : 'no other folder';
  return forbiddenLayers(layer).map((other) => ({
    regex: `^(?:\\.{1,2}/(?:.*/)?)?${other}(?:/|$)`,
    message: `${layer}/ may import ${allowed} only, not ${other}/: ${LAYERS[layer].why} (layer table in eslint.config.js).`,
  }));
}

/**
 * The same restrictions for `import('…')` and the type `import('…').T`, which no-restricted-imports
 * does not see: a selector on the literal (esquery's /regex/ may not contain a slash, so it is \x2F).
 */
function dynamicImportRestrictions(layer) {
  return layerRestrictions(layer).map(({ regex, message }) => {
    const re = `/${regex.replaceAll('/', '\\x2F')}/`;
    return { selector: `:matches(ImportExpression[source.value=${re}], TSImportType[argument.literal.value=${re}])`, message };
  });
}

/** What shared/ may not import besides other folders: electron and Node built-ins. */
const sharedHostImports = {
  paths: [
    { name: 'electron', message: 'shared/ must not import electron (it runs in Node, browsers and Workers).' },
    ...nodeBuiltins.map((name) => ({ name, message: 'shared/ must not import Node built-ins (node:*).' })),
  ],
  patterns: [
    { group: ['node:*'], message: 'shared/ must not import Node built-ins (node:*).' },
    { group: ['electron/*'], message: 'shared/ must not import electron.' },
  ],
};

/** One lint block per row of the layer table (one no-restricted-imports entry per file, since a later entry replaces an earlier one). */
const layerBlocks = Object.keys(LAYERS).map((layer) => {
  const host = layer === 'shared' ? sharedHostImports : { paths: [], patterns: [] };
  return {
    files: [`${layer}/**/*.{ts,mts,cts,js,mjs,cjs,svelte}`],
    rules: {
      'no-restricted-imports': ['error', { paths: host.paths, patterns: [...host.patterns, ...layerRestrictions(layer)] }],
      'no-restricted-syntax': ['error', ...dynamicImportRestrictions(layer)],
    },
  };
});

export default tseslint.config(
  { ignores: ['node_modules/**', 'out/**', 'dist/**', 'coverage/**', 'test/fixtures/lint/**', '.bench/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  ...svelte.configs.recommended,
  {
    files: ['**/*.svelte', '**/*.svelte.ts'],
    languageOptions: { parserOptions: { parser: tseslint.parser, extraFileExtensions: ['.svelte'] } },
  },
  {
    files: ['**/*.{ts,js,mjs,cjs}'],
    languageOptions: { ecmaVersion: 2022, sourceType: 'module' },
    rules: {
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  { files: ['**/*.cjs'], languageOptions: { sourceType: 'commonjs', globals: { ...globals.node } } },
  { files: ['src-renderer/**'], languageOptions: { globals: { ...globals.browser } } },
  { files: ['src-main/**', 'src-node/**', 'src-cli/**', 'bin/**', 'test/**', 'bench/**', 'examples/**', 'scripts/**', '*.{js,ts}'], languageOptions: { globals: { ...globals.node } } },
  ...layerBlocks,
  { files: ['shared/**/*.ts'], rules: { 'no-restricted-globals': ['error', ...hostGlobals] } },
);
