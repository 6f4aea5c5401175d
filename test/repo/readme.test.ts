import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { apiTour } from '../../examples/api-tour';
import { repoRoot } from '../helpers/sharedData';

const readme = readFileSync(resolve(repoRoot, 'README.md'), 'utf8');

describe('README', () => {
  it('starts with the two quick-start commands, and .ci/run runs the test one', () => {
    const quick = readme.slice(readme.indexOf('## Quick start'));
    const block = /```sh\n([\s\S]*?)```/.exec(quick)![1].trim().split('\n');
    expect(block).toHaveLength(2);
    expect(block[0]).toMatch(/^npm install && npm run demo\b/);
    expect(block[1]).toMatch(/^npm test\b/);
    expect(readFileSync(resolve(repoRoot, '.ci/run'), 'utf8')).toMatch(/^npm test$/m);
  });

  it('shows examples/api-tour.ts verbatim, with the output it really prints', async () => {
    const code = readFileSync(resolve(repoRoot, 'examples/api-tour.ts'), 'utf8').trimEnd();
    expect(readme).toContain('```ts\n' + code + '\n```');
    const lines = await apiTour();
    expect(readme).toContain('```text\n' + lines.join('\n') + '\n```');
  });
});
