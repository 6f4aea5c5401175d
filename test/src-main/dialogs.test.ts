import type { BaseWindow, MessageBoxOptions, OpenDialogOptions, SaveDialogOptions } from 'electron';
import { describe, expect, it } from 'vitest';
import { confirmReplaceOptions, createNativeDialogs } from '../../src-main/dialogs';

/** A fake dialog answering the queued answers and recording (parent, options). */
function fakeDialog(open: { canceled: boolean; filePaths: string[] }, save: { canceled: boolean; filePath?: string }, message: { response: number } = { response: 1 }) {
  const calls: { kind: string; parent: unknown; options: OpenDialogOptions | SaveDialogOptions | MessageBoxOptions }[] = [];
  const record =
    <T,>(kind: string, answer: T) =>
    (...args: unknown[]) => {
      const [parent, options] = args.length === 2 ? args : [null, args[0]];
      calls.push({ kind, parent, options: options as OpenDialogOptions });
      return Promise.resolve(answer);
    };
  return {
    calls,
    showOpenDialog: record('open', open) as never,
    showSaveDialog: record('save', save) as never,
    showMessageBox: record('message', { ...message, checkboxChecked: false }) as never,
  };
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

  it('opens a folder for a DICOM series, in the project folder', async () => {
    const dialog = fakeDialog({ canceled: false, filePaths: ['/scans/study'] }, { canceled: true });
    expect(await createNativeDialogs(dialog, () => win, () => '/proj').open('dicom')).toBe('/scans/study');
    const options = dialog.calls[0].options as OpenDialogOptions;
    expect(options).toMatchObject({ title: 'Open DICOM Folder', defaultPath: '/proj' });
    expect(options.properties).toContain('openDirectory');
    expect(options.properties).not.toContain('openFile');
    expect(options.filters).toBeUndefined();
  });

  it('answers null when cancelled, and opens unparented without a live window', async () => {
    const dialog = fakeDialog({ canceled: true, filePaths: [] }, { canceled: true });
    const dialogs = createNativeDialogs(dialog, () => ({ isDestroyed: () => true }) as unknown as BaseWindow);
    expect(await dialogs.open('image')).toBeNull();
    expect(await dialogs.saveReport('r.pdf')).toBeNull();
    expect(dialog.calls.map((c) => c.parent)).toEqual([null, null]);
  });

  it('saves a DICOM SEG as .dcm in the project folder, null when cancelled', async () => {
    const got: (string | null)[] = [];
    for (const filePath of ['/out/x.seg.dcm', '/out/x', '/out/X.DCM']) {
      const dialog = fakeDialog({ canceled: true, filePaths: [] }, { canceled: false, filePath });
      got.push(await createNativeDialogs(dialog, () => win, () => '/proj').saveSeg!('ch2-labels.seg.dcm'));
      expect(dialog.calls[0].options).toMatchObject({ title: 'Export DICOM SEG', defaultPath: '/proj/ch2-labels.seg.dcm', filters: [{ name: 'DICOM SEG', extensions: ['dcm'] }] });
      expect((dialog.calls[0].options as SaveDialogOptions).properties).toContain('showOverwriteConfirmation');
    }
    expect(got).toEqual(['/out/x.seg.dcm', '/out/x.dcm', '/out/X.DCM']);
    expect(await createNativeDialogs(fakeDialog({ canceled: true, filePaths: [] }, { canceled: true }), () => win).saveSeg!('a.seg.dcm')).toBeNull();
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

describe('confirmReplace', () => {
  const writes = ['/out/a.pdf', '/out/a.html', '/out/a.json'];

  it('asks modally, listing every file the export writes and marking those it replaces; Cancel is the default', async () => {
    const dialog = fakeDialog({ canceled: true, filePaths: [] }, { canceled: true }, { response: 1 });
    const dialogs = createNativeDialogs(dialog, () => win);
    expect(await dialogs.confirmReplace(writes, ['/out/a.html', '/out/a.json'])).toBe(false);
    expect(dialog.calls).toHaveLength(1);
    const { kind, parent, options } = dialog.calls[0];
    const box = options as MessageBoxOptions;
    expect([kind, parent]).toEqual(['message', win]);
    expect(box.message).toBe('Replace 2 existing files?');
    expect(box.buttons).toEqual(['Replace', 'Cancel']);
    expect([box.defaultId, box.cancelId, box.type]).toEqual([1, 1, 'warning']);
    expect(box.detail).toBe(
      ['In /out, this writes 3 files:', '  a.pdf: new', '  a.html: replaces the existing file', '  a.json: replaces the existing file', '', 'The existing files are lost when replaced.'].join('\n'),
    );
  });

  it('is true only for Replace, and asks without a parent when no window is live', async () => {
    const dialog = fakeDialog({ canceled: true, filePaths: [] }, { canceled: true }, { response: 0 });
    const dialogs = createNativeDialogs(dialog, () => null);
    expect(await dialogs.confirmReplace(writes, ['/out/a.pdf'])).toBe(true);
    expect(dialog.calls[0].parent).toBeNull();
    expect((dialog.calls[0].options as MessageBoxOptions).message).toBe('Replace 1 existing file?');
  });

  it('does not ask when nothing would be replaced', async () => {
    const dialog = fakeDialog({ canceled: true, filePaths: [] }, { canceled: true });
    expect(await createNativeDialogs(dialog, () => win).confirmReplace(writes, [])).toBe(true);
    expect(dialog.calls).toEqual([]);
  });

  it('lists full paths across folders and an existing file missing from writes, and rejects bad lists', () => {
    const box = confirmReplaceOptions(['/runs/r1/labels.nii.gz', '/runs/r1/run.json'], ['/data/labels.nii.gz']);
    expect(box.message).toBe('Replace 1 existing file?');
    expect(box.detail).toBe(
      ['This writes 3 files:', '  /runs/r1/labels.nii.gz: new', '  /runs/r1/run.json: new', '  /data/labels.nii.gz: replaces the existing file', '', 'The existing files are lost when replaced.'].join('\n'),
    );
    expect(() => confirmReplaceOptions('a' as never, [])).toThrow(/confirmReplaceOptions: writes/);
    expect(() => confirmReplaceOptions([], [1] as never)).toThrow(/confirmReplaceOptions: existing/);
  });
});
