import type { BaseWindow, OpenDialogOptions, SaveDialogOptions } from 'electron';
import { describe, expect, it } from 'vitest';
import { createNativeDialogs } from '../../src-main/dialogs';

/** A fake dialog answering the queued answers and recording (parent, options). */
function fakeDialog(open: { canceled: boolean; filePaths: string[] }, save: { canceled: boolean; filePath?: string }) {
  const calls: { kind: string; parent: unknown; options: OpenDialogOptions | SaveDialogOptions }[] = [];
  const record =
    <T,>(kind: string, answer: T) =>
    (...args: unknown[]) => {
      const [parent, options] = args.length === 2 ? args : [null, args[0]];
      calls.push({ kind, parent, options: options as OpenDialogOptions });
      return Promise.resolve(answer);
    };
  return { calls, showOpenDialog: record('open', open) as never, showSaveDialog: record('save', save) as never };
}

const win = { isDestroyed: () => false } as unknown as BaseWindow;

describe('createNativeDialogs', () => {
  it('opens NIfTI files for an image / label and a folder for a model, parented to the window', async () => {
    const dialog = fakeDialog({ canceled: false, filePaths: ['/data/a.nii.gz'] }, { canceled: true });
    const dialogs = createNativeDialogs(dialog, () => win, () => '/proj');
    expect(await dialogs.open('image')).toBe('/data/a.nii.gz');
    expect(await dialogs.open('label')).toBe('/data/a.nii.gz');
    expect(await dialogs.open('model')).toBe('/data/a.nii.gz');
    expect(dialog.calls.map((c) => c.parent)).toEqual([win, win, win]);
    const [image, label, model] = dialog.calls.map((c) => c.options as OpenDialogOptions);
    expect(image.properties).toContain('openFile');
    expect(image.filters?.[0]).toEqual({ name: 'NIfTI image', extensions: ['nii', 'nii.gz'] });
    expect(label.properties).toContain('openFile');
    expect(model.properties).toContain('openDirectory');
    expect(model.properties).not.toContain('openFile');
    expect(image.defaultPath).toBe('/proj');
  });

  it('answers null when cancelled, and opens unparented without a live window', async () => {
    const dialog = fakeDialog({ canceled: true, filePaths: [] }, { canceled: true });
    const dialogs = createNativeDialogs(dialog, () => ({ isDestroyed: () => true }) as unknown as BaseWindow);
    expect(await dialogs.open('image')).toBeNull();
    expect(await dialogs.saveReport('r.pdf')).toBeNull();
    expect(dialog.calls.map((c) => c.parent)).toEqual([null, null]);
  });

  it('saves a report as .pdf in the project folder', async () => {
    const answers = ['/out/report.pdf', '/out/report', '/out/REPORT.PDF'];
    const got: (string | null)[] = [];
    for (const filePath of answers) {
      const dialog = fakeDialog({ canceled: true, filePaths: [] }, { canceled: false, filePath });
      const dialogs = createNativeDialogs(dialog, () => null, () => '/proj');
      got.push(await dialogs.saveReport('sweep-s1.pdf'));
      const options = dialog.calls[0].options as SaveDialogOptions;
      expect(options.defaultPath).toBe('/proj/sweep-s1.pdf');
      expect(options.filters).toEqual([{ name: 'PDF', extensions: ['pdf'] }]);
    }
    expect(got).toEqual(['/out/report.pdf', '/out/report.pdf', '/out/REPORT.PDF']);
  });
});
