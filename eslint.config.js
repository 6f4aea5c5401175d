// Lint rules, including the layering rules that keep the core portable:
//   shared/        no electron, no node:* / Node built-ins, no DOM or Node globals
//   src-renderer/  never imports src-main/ (it talks to main through the shared contract only)
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
  { files: ['src-renderer/**'], languageOptions: { globals: { ...globals.browser } } },
  { files: ['src-main/**', 'src-node/**', 'src-cli/**', 'bin/**', 'test/**', 'bench/**', 'examples/**', 'scripts/**', '*.{js,ts}'], languageOptions: { globals: { ...globals.node } } },
  {
    files: ['shared/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [
          { name: 'electron', message: 'shared/ must not import electron (it runs in Node, browsers and Workers).' },
          ...nodeBuiltins.map((name) => ({ name, message: 'shared/ must not import Node built-ins (node:*).' })),
        ],
        patterns: [
          { group: ['node:*'], message: 'shared/ must not import Node built-ins (node:*).' },
          { group: ['electron/*'], message: 'shared/ must not import electron.' },
          { group: ['**/src-main/**', '**/src-renderer/**'], message: 'shared/ is the bottom layer: it imports no app code.' },
        ],
      }],
      'no-restricted-globals': ['error', ...hostGlobals],
    },
  },
  {
    files: ['src-renderer/**/*.{ts,js,svelte}'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [{ group: ['**/src-main/**', '**/src-main'], message: 'src-renderer/ never imports src-main/: use the typed contract in shared/.' }],
      }],
    },
  },
);
