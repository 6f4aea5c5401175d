// @vitest-environment jsdom
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { cleanup, fireEvent, render, screen, within } from '@testing-library/svelte';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { validateFindingsDocument, type FindingPatch, type FindingShape, type FindingsDocument } from '../../../../shared/findings';
import FindingsPanel from '../../../../src-renderer/annotation/findings/FindingsPanel.svelte';

afterEach(cleanup);

/** The example of docs/findings.md: the demo image with 3 findings (border artefact, reference error, false positive). */
function example(): FindingsDocument {
  const md = readFileSync(resolve(process.cwd(), 'docs/findings.md'), 'utf8');
  const m = /```json\n([\s\S]*?)\n```/.exec(md);
  if (!m) throw new Error('docs/findings.md has no ```json block');
  return validateFindingsDocument(JSON.parse(m[1]));
}

type Props = { document: FindingsDocument | null; author: string; draft: FindingShape | null; draftPatch: FindingPatch | null };

/** Renders the panel; `onchange` passes the new document back as its parent would. */
function setup(props: Partial<Props> = {}) {
  const onchange = vi.fn<(doc: FindingsDocument, what: string) => void>();
  const onjump = vi.fn<(voxel: number[]) => void>();
  const oncanceldraft = vi.fn<() => void>();
  const view = render(FindingsPanel, { props: { document: example(), author: 'C. Third', draft: null, draftPatch: null, ...props, onchange, onjump, oncanceldraft } });
  /** What the parent does with a change: takes the document and passes it back. */
  const passBack = async () => {
    const doc = onchange.mock.lastCall?.[0];
    if (!doc) throw new Error('onchange was not called');
    await view.rerender({ document: doc });
    return doc;
  };
  return { ...view, onchange, onjump, oncanceldraft, passBack };
}

const rowIds = () => within(screen.getByTestId('findings-list')).queryAllByTestId(/^finding-finding-\d+$/).map((r) => r.dataset.testid);

describe('FindingsPanel', () => {
  it('asks for an image when there is no document', () => {
    setup({ document: null });
    expect(screen.getByTestId('findings-message').textContent).toBe('Open an image to record findings.');
    expect(screen.queryByTestId('findings-list')).toBeNull();
  });

  it('lists the findings with their category, severity, note, author, time and patch sentence', () => {
    setup();
    expect(rowIds()).toEqual(['finding-finding-1', 'finding-finding-2', 'finding-finding-3']);
    expect(screen.getByTestId('findings-count').textContent).toBe('3 of 3 findings');
    const row = screen.getByTestId('finding-finding-1');
    expect(within(row).getByTestId('finding-category-finding-1').textContent).toBe('border artefact');
    expect(within(row).getByTestId('finding-severity-finding-1').textContent).toBe('severity 2');
    expect(within(row).getByTestId('finding-note-finding-1').textContent).toBe('Brain edge lost where two windows meet.');
    expect(row.textContent).toContain('A. Reader · 2026-12-07 14:30 Z');
    expect(row.textContent).toContain('point [5, 50, 3]');
    expect(within(row).getByTestId('finding-patch-finding-1').textContent).toBe('window 28 at [0, 48, 0], patch position [5, 2, 3], 2 voxels from the patch border; 2 windows cover it');
    // finding-3 has no patch block: no sentence.
    expect(screen.queryByTestId('finding-patch-finding-3')).toBeNull();
    expect(screen.getByTestId('finding-finding-3').textContent).toContain('B. Second · 2026-12-07 15:02 +01:00');
  });

  it('filters by category and by minimum severity', async () => {
    setup();
    await fireEvent.change(screen.getByTestId('findings-filter-category'), { target: { value: 'reference error' } });
    expect(rowIds()).toEqual(['finding-finding-2']);
    expect(screen.getByTestId('findings-count').textContent).toBe('1 of 3 findings');
    await fireEvent.change(screen.getByTestId('findings-filter-category'), { target: { value: 'all' } });
    await fireEvent.change(screen.getByTestId('findings-filter-severity'), { target: { value: '2' } });
    expect(rowIds()).toEqual(['finding-finding-1', 'finding-finding-2']);
    await fireEvent.change(screen.getByTestId('findings-filter-severity'), { target: { value: '3' } });
    expect(rowIds()).toEqual(['finding-finding-2']);
    await fireEvent.change(screen.getByTestId('findings-filter-category'), { target: { value: 'missed structure' } });
    expect(rowIds()).toEqual([]);
    expect(screen.getByTestId('findings-empty').textContent).toBe('No finding matches the filter.');
  });

  it('adds a finding from the draft with what was entered and the draft\'s patch block', async () => {
    const draft: FindingShape = { kind: 'point', voxel: [40, 60, 20] };
    const draftPatch: FindingPatch = { anchor: [40, 60, 20], run: 'run-0003', windows: [{ index: 77, start: [36, 48, 12], positionInPatch: [4, 12, 8], borderDistance: 4 }] };
    const { onchange, oncanceldraft } = setup({ draft, draftPatch });
    const form = screen.getByTestId('finding-form');
    expect(within(form).getByTestId('finding-form-patch').textContent).toBe('window 77 at [36, 48, 12], patch position [4, 12, 8], 4 voxels from the patch border; 1 window covers it');
    await fireEvent.change(screen.getByTestId('finding-category'), { target: { value: 'missed structure' } });
    await fireEvent.change(screen.getByTestId('finding-severity'), { target: { value: '3' } });
    await fireEvent.input(screen.getByTestId('finding-note'), { target: { value: 'Lesion not segmented.\nSecond line.' } });
    await fireEvent.click(screen.getByTestId('finding-add'));

    expect(onchange).toHaveBeenCalledTimes(1);
    const [doc, what] = onchange.mock.lastCall!;
    expect(what).toBe('Added finding-4');
    expect(doc.findings.slice(0, 3)).toEqual(example().findings);
    const added = doc.findings[3];
    expect({ ...added, time: 'checked below' }).toEqual({
      id: 'finding-4', shape: draft, category: 'missed structure', severity: 3, note: 'Lesion not segmented.\nSecond line.', author: 'C. Third', time: 'checked below', patch: draftPatch,
    });
    expect(added.time).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    expect(() => validateFindingsDocument(doc)).not.toThrow();

    expect((screen.getByTestId('finding-note') as HTMLTextAreaElement).value).toBe('');
    await fireEvent.click(screen.getByTestId('finding-cancel'));
    expect(oncanceldraft).toHaveBeenCalledTimes(1);
  });

  it('shows a failed add in an alert and reports no change', async () => {
    const { onchange } = setup({ draft: { kind: 'point', voxel: [40, 60, 20] }, author: '' });
    await fireEvent.click(screen.getByTestId('finding-add'));
    expect(onchange).not.toHaveBeenCalled();
    expect(screen.getByRole('alert').textContent).toBe('validateFindings: finding.author must not be empty');
  });

  it('deletes a finding, undoes and redoes the delete', async () => {
    const { onchange, passBack } = setup();
    expect((screen.getByTestId('findings-undo') as HTMLButtonElement).disabled).toBe(true);
    await fireEvent.click(screen.getByTestId('finding-delete-finding-2'));
    expect(onchange.mock.lastCall?.[1]).toBe('Deleted finding-2');
    expect((await passBack()).findings.map((f) => f.id)).toEqual(['finding-1', 'finding-3']);
    expect(rowIds()).toEqual(['finding-finding-1', 'finding-finding-3']);

    await fireEvent.click(screen.getByTestId('findings-undo'));
    expect(onchange.mock.lastCall?.[1]).toBe('Undid: deleted finding-2');
    expect(await passBack()).toEqual(example());
    expect(rowIds()).toEqual(['finding-finding-1', 'finding-finding-2', 'finding-finding-3']);
    expect((screen.getByTestId('findings-undo') as HTMLButtonElement).disabled).toBe(true);

    await fireEvent.click(screen.getByTestId('findings-redo'));
    expect(onchange.mock.lastCall?.[1]).toBe('Redid: deleted finding-2');
    expect((await passBack()).findings.map((f) => f.id)).toEqual(['finding-1', 'finding-3']);
    expect((screen.getByTestId('findings-redo') as HTMLButtonElement).disabled).toBe(true);
  });

  it('edits a finding inline and undoes the edit', async () => {
    const { onchange, passBack } = setup();
    await fireEvent.click(screen.getByTestId('finding-edit-finding-1'));
    expect((screen.getByTestId('finding-edit-note-finding-1') as HTMLTextAreaElement).value).toBe('Brain edge lost where two windows meet.');
    await fireEvent.change(screen.getByTestId('finding-edit-category-finding-1'), { target: { value: 'false positive' } });
    await fireEvent.change(screen.getByTestId('finding-edit-severity-finding-1'), { target: { value: '1' } });
    await fireEvent.input(screen.getByTestId('finding-edit-note-finding-1'), { target: { value: 'Only a small rim.' } });
    await fireEvent.click(screen.getByTestId('finding-save-finding-1'));
    expect(onchange.mock.lastCall?.[1]).toBe('Edited finding-1');
    const edited = (await passBack()).findings[0];
    const before = example().findings[0];
    expect({ ...edited, edited: 'checked below' }).toEqual({ ...before, category: 'false positive', severity: 1, note: 'Only a small rim.', edited: 'checked below' });
    expect(edited.edited).toMatch(/Z$/);
    expect(screen.queryByTestId('finding-edit-form-finding-1')).toBeNull();
    expect(screen.getByTestId('finding-category-finding-1').textContent).toBe('false positive');

    await fireEvent.click(screen.getByTestId('findings-undo'));
    expect(onchange.mock.lastCall?.[1]).toBe('Undid: edited finding-1');
    expect((await passBack()).findings[0]).toEqual(before);
  });

  it('jumps to each finding\'s anchor voxel', async () => {
    const { onjump } = setup();
    await fireEvent.click(screen.getByTestId('finding-jump-finding-1'));
    expect(onjump).toHaveBeenLastCalledWith([5, 50, 3]);
    // The polygon's anchor: its centroid [5, 102] rounded onto slice 4 of axis 2.
    await fireEvent.click(screen.getByTestId('finding-jump-finding-2'));
    expect(onjump).toHaveBeenLastCalledWith([5, 102, 4]);
    // The voxel set's anchor: 400120 = [40, 36, 84], its voxel nearest the centroid.
    await fireEvent.click(screen.getByTestId('finding-jump-finding-3'));
    expect(onjump).toHaveBeenLastCalledWith([40, 36, 84]);
  });

  it('starts a fresh history when another document comes in', async () => {
    const { passBack, rerender } = setup();
    await fireEvent.click(screen.getByTestId('finding-delete-finding-1'));
    await passBack();
    expect((screen.getByTestId('findings-undo') as HTMLButtonElement).disabled).toBe(false);
    await rerender({ document: { ...example(), image: { name: 'other.nii.gz', shape: [91, 109, 91] } } });
    expect((screen.getByTestId('findings-undo') as HTMLButtonElement).disabled).toBe(true);
  });
});
