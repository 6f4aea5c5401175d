// @vitest-environment jsdom
import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, render, screen } from '@testing-library/svelte';
import RecoveryDialog from '../../../src-renderer/annotation/RecoveryDialog.svelte';
import SaveConflictDialog from '../../../src-renderer/annotation/SaveConflictDialog.svelte';

afterEach(cleanup);

// Built from local time fields, so the dialog's local time reads 10:42 and 09:05 in any time zone.
const autosavedAt = new Date(2026, 0, 2, 10, 42).toISOString();
const savedAt = new Date(2026, 0, 1, 9, 5).toISOString();

function recovery(overrides: Record<string, unknown> = {}) {
  const calls = { onrecover: vi.fn(), ondiscard: vi.fn(), onlater: vi.fn() };
  render(RecoveryDialog, { props: { recoverable: { savedAt: autosavedAt, edits: 12, reason: 'close' }, savedAt, ...calls, ...overrides } });
  return calls;
}

describe('RecoveryDialog', () => {
  it('says what was found and from when, as a modal with Recover focused', () => {
    recovery();
    const dialog = screen.getByRole('dialog', { name: 'Recover unsaved edits?' });
    expect(dialog.getAttribute('aria-modal')).toBe('true');
    expect(dialog.getAttribute('data-testid')).toBe('recovery-dialog');
    const what = screen.getByTestId('recovery-what');
    expect(what.textContent?.replace(/\s+/g, ' ').trim()).toMatch(/^Unsaved edits from .*10:42.* \(12 edits, autosaved on closing\) were found for this image\.$/);
    expect(what.textContent).toContain('2026');
    expect(what.querySelector('time')?.getAttribute('datetime')).toBe(autosavedAt);
    expect(screen.getByTestId('recovery-saved').textContent).toMatch(/^The saved labels and findings date from .*9:05.*\.$/);
    expect(document.activeElement).toBe(screen.getByTestId('recovery-recover'));
  });

  it('names the reason and the count in words, and says when nothing was saved before', () => {
    recovery({ recoverable: { savedAt: autosavedAt, edits: 1, reason: 'idle' }, savedAt: null });
    expect(screen.getByTestId('recovery-what').textContent).toContain('(1 edit, autosaved after a pause in editing)');
    expect(screen.getByTestId('recovery-saved').textContent).toBe('For this image nothing was saved before.');
  });

  it('recovers, and puts off with Not now or Escape', async () => {
    const calls = recovery();
    await fireEvent.click(screen.getByTestId('recovery-recover'));
    expect(calls.onrecover).toHaveBeenCalledTimes(1);
    await fireEvent.click(screen.getByTestId('recovery-later'));
    expect(calls.onlater).toHaveBeenCalledTimes(1);
    const appKeys = vi.fn();
    window.addEventListener('keydown', appKeys);
    await fireEvent.keyDown(screen.getByTestId('recovery-recover'), { key: 'Escape' });
    window.removeEventListener('keydown', appKeys);
    expect(calls.onlater).toHaveBeenCalledTimes(2);
    // The app's own shortcuts behind the modal never see the key.
    expect(appKeys).not.toHaveBeenCalled();
    expect(calls.ondiscard).not.toHaveBeenCalled();
  });

  it('discards only after an inline confirmation', async () => {
    const calls = recovery();
    await fireEvent.click(screen.getByTestId('recovery-discard'));
    expect(calls.ondiscard).not.toHaveBeenCalled();
    expect(screen.getByTestId('recovery-confirm').textContent).toContain('Discarding deletes the autosave: its 12 edits cannot be recovered afterwards.');
    // The safe answer has the focus.
    expect(document.activeElement).toBe(screen.getByTestId('recovery-discard-cancel'));
    await fireEvent.click(screen.getByTestId('recovery-discard-cancel'));
    expect(screen.queryByTestId('recovery-confirm')).toBeNull();
    expect(document.activeElement).toBe(screen.getByTestId('recovery-discard'));
    expect(calls.ondiscard).not.toHaveBeenCalled();
    await fireEvent.click(screen.getByTestId('recovery-discard'));
    await fireEvent.click(screen.getByTestId('recovery-discard-confirm'));
    expect(calls.ondiscard).toHaveBeenCalledTimes(1);
  });

  it('keeps Tab inside the dialog', async () => {
    recovery();
    const later = screen.getByTestId('recovery-later');
    later.focus();
    await fireEvent.keyDown(later, { key: 'Tab' });
    expect(document.activeElement).toBe(screen.getByTestId('recovery-recover'));
    await fireEvent.keyDown(document.activeElement!, { key: 'Tab', shiftKey: true });
    expect(document.activeElement).toBe(later);
  });
});

describe('SaveConflictDialog', () => {
  const message = 'saveChecked: /p/annotations/1a2b/findings.json was changed by someone else since it was opened: opened as modified 2026-01-02T03:04:05.000Z, now modified 2026-01-02T04:00:00.000Z, 7 → 10 bytes';

  it('shows the message and calls back with each choice', async () => {
    const onchoose = vi.fn();
    render(SaveConflictDialog, { props: { message, onchoose, saveAsAvailable: true } });
    expect(screen.getByRole('dialog', { name: 'The file changed on disk' }).getAttribute('aria-modal')).toBe('true');
    expect(screen.getByTestId('conflict-message').textContent).toBe(message);
    expect(document.activeElement).toBe(screen.getByTestId('conflict-cancel'));
    for (const [id, choice] of [['conflict-keep-theirs', 'keep-theirs'], ['conflict-save-as', 'save-as'], ['conflict-overwrite', 'overwrite'], ['conflict-cancel', 'cancel']] as const) {
      await fireEvent.click(screen.getByTestId(id));
      expect(onchoose).toHaveBeenLastCalledWith(choice);
    }
    expect(onchoose).toHaveBeenCalledTimes(4);
    expect(document.getElementById('conflict-keep-theirs-what')?.textContent).toBe('Discards your unsaved edits and reloads the file as it is on disk now.');
    expect(screen.getByTestId('conflict-keep-theirs').getAttribute('aria-describedby')).toBe('conflict-keep-theirs-what');
  });

  it('offers Save as only when it is available, and cancels on Escape', async () => {
    const onchoose = vi.fn();
    render(SaveConflictDialog, { props: { message, onchoose, saveAsAvailable: false } });
    expect(screen.queryByTestId('conflict-save-as')).toBeNull();
    expect(screen.getAllByRole('button').map((b) => b.textContent)).toEqual(['Keep theirs', 'Overwrite', 'Cancel']);
    await fireEvent.keyDown(screen.getByTestId('conflict-overwrite'), { key: 'Escape' });
    expect(onchoose).toHaveBeenCalledExactlyOnceWith('cancel');
    // Tab from the last choice comes back to the first.
    await fireEvent.keyDown(screen.getByTestId('conflict-cancel'), { key: 'Tab' });
    expect(document.activeElement).toBe(screen.getByTestId('conflict-keep-theirs'));
  });
});
