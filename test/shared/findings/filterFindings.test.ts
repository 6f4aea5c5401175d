import { describe, expect, it } from 'vitest';
import { createFinding } from '../../../shared/findings/findingOperations';
import { filterFindings } from '../../../shared/findings/filterFindings';
import type { Finding, FindingCategory, FindingSeverity } from '../../../shared/findings/types';

const SHAPE = [10, 10, 10];
let list: Finding[] = [];
const made: [FindingCategory, FindingSeverity][] = [
  ['border artefact', 1],
  ['missed structure', 3],
  ['border artefact', 3],
  ['other', 2],
];
for (const [category, severity] of made) {
  list = createFinding(list, { shape: { kind: 'point', voxel: [1, 2, 3] }, category, severity, author: 'me', time: '2026-12-07T14:30:00Z' }, { imageShape: SHAPE }).findings;
}

describe('filterFindings', () => {
  it('filters by category, severity and minimum severity, keeping list order', () => {
    expect(filterFindings(list, {}).map((f) => f.id)).toEqual(['finding-1', 'finding-2', 'finding-3', 'finding-4']);
    expect(filterFindings(list, { categories: ['border artefact'] }).map((f) => f.id)).toEqual(['finding-1', 'finding-3']);
    expect(filterFindings(list, { severities: [3] }).map((f) => f.id)).toEqual(['finding-2', 'finding-3']);
    expect(filterFindings(list, { minSeverity: 2 }).map((f) => f.id)).toEqual(['finding-2', 'finding-3', 'finding-4']);
    expect(filterFindings(list, { categories: ['border artefact', 'other'], minSeverity: 2 }).map((f) => f.id)).toEqual(['finding-3', 'finding-4']);
    expect(filterFindings(list, { categories: ['false positive'] })).toEqual([]);
  });
});
