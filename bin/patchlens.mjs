#!/usr/bin/env node
// The patchlens command: runs the TypeScript CLI through tsx (no build step needed).
import { register } from 'tsx/esm/api';

register();
const { runCli } = await import('../src-cli/main.ts');
process.exitCode = await runCli(process.argv.slice(2));
