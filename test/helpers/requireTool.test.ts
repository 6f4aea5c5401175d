import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { chromiumTool, commandTool, fileTool, REQUIRE_ALL_ENV, requireTools, type Tool } from './requireTool';

const dir = mkdtempSync(join(tmpdir(), 'patchlens-require-tool-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const present: Tool = { name: 'sh', present: true, install: 'apt-get install -y dash' };
const missing: Tool = { name: 'pdftoppm', present: false, install: 'apt-get install -y poppler-utils' };
const chromium: Tool = { name: 'Chromium (/nowhere/chromium)', present: false, install: 'apt-get install -y chromium' };

describe('requireTools', () => {
  it('answers true and writes nothing when every tool is there', () => {
    const warned: string[] = [];
    expect(requireTools('a.test', [present], { env: { [REQUIRE_ALL_ENV]: '1' }, warn: (m) => warned.push(m) })).toBe(true);
    expect(warned).toEqual([]);
  });

  it('skips locally: false, with a message naming the suite and each missing tool', () => {
    const warned: string[] = [];
    expect(requireTools('app.e2e', [present, missing, chromium], { env: {}, warn: (m) => warned.push(m) })).toBe(false);
    expect(warned).toEqual([
      'app.e2e: SKIPPED — missing pdftoppm (apt-get install -y poppler-utils) and Chromium (/nowhere/chromium) (apt-get install -y chromium) (with PATCHLENS_REQUIRE_ALL=1 this fails)',
    ]);
  });

  it('fails with PATCHLENS_REQUIRE_ALL=1: the error names the suite, the tool and how to get it', () => {
    const warned: string[] = [];
    expect(() => requireTools('writeReport.test', [missing], { env: { [REQUIRE_ALL_ENV]: '1' }, warn: (m) => warned.push(m) })).toThrow(
      'requireTools: writeReport.test needs pdftoppm (apt-get install -y poppler-utils), missing on this machine; PATCHLENS_REQUIRE_ALL=1 makes a missing tool a failure instead of a skip',
    );
    expect(warned).toEqual([]);
  });

  it('only the value 1 turns the skip into a failure', () => {
    for (const value of ['0', '', 'true', undefined]) expect(requireTools('x', [missing], { env: { [REQUIRE_ALL_ENV]: value }, warn: () => undefined })).toBe(false);
  });

  it('refuses a call without a suite name or without tools', () => {
    expect(() => requireTools('', [present])).toThrow('requireTools: suite must name the suite');
    expect(() => requireTools('x.test', [])).toThrow('requireTools: x.test names no tool');
  });
});

describe('the tools', () => {
  it('commandTool finds a command on the PATH and not an unknown one', () => {
    expect(commandTool('sh', 'apt-get install -y dash')).toEqual({ name: 'sh', present: true, install: 'apt-get install -y dash' });
    expect(commandTool('patchlens-no-such-command', 'nothing to install').present).toBe(false);
  });

  it('commandTool refuses a name that is not a plain command', () => {
    expect(() => commandTool('sh; rm -rf /', 'x')).toThrow('commandTool: command must be a plain name, got "sh; rm -rf /"');
  });

  it('fileTool and chromiumTool look at the path', () => {
    expect(fileTool('the temp folder', dir, 'mkdir it')).toEqual({ name: `the temp folder (${dir})`, present: true, install: 'mkdir it' });
    expect(fileTool('a model', join(dir, 'model.json'), 'copy it').present).toBe(false);
    expect(chromiumTool(join(dir, 'chromium'))).toEqual({ name: `Chromium (${join(dir, 'chromium')})`, present: false, install: 'apt-get install -y chromium; never download a browser' });
  });
});
