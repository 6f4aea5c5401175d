import { basename, extname, join } from 'node:path';
import type { BaseWindow, Dialog, MessageBoxOptions, OpenDialogOptions, SaveDialogOptions } from 'electron';
import type { NativeDialogs } from '../src-node/app/serviceHost';

/** The NIfTI filters of the open dialogs (extensions without the dot; `nii.gz` is one extension). */
export const NIFTI_FILTERS = [
  { name: 'NIfTI image', extensions: ['nii', 'nii.gz'] },
  { name: 'All files', extensions: ['*'] },
];

/** Open dialog options for an image, a label map (one NIfTI file), a model or a DICOM study (one folder). */
export function openDialogOptions(kind: 'image' | 'label' | 'model' | 'dicom', defaultPath?: string): OpenDialogOptions {
  const base = defaultPath ? { defaultPath } : {};
  if (kind === 'model') {
    return { ...base, title: 'Open Model Folder', buttonLabel: 'Open Model', properties: ['openDirectory', 'dontAddToRecent'] };
  }
  if (kind === 'dicom') {
    // A folder of one or more series (listed for a choice when there are several).
    return { ...base, title: 'Open DICOM Folder', buttonLabel: 'Open DICOM', properties: ['openDirectory', 'dontAddToRecent'] };
  }
  if (kind !== 'image' && kind !== 'label') throw new Error(`openDialogOptions: unknown kind ${JSON.stringify(kind)}`);
  return {
    ...base,
    title: kind === 'image' ? 'Open Image' : 'Open Label Map',
    properties: ['openFile', 'dontAddToRecent'],
    filters: NIFTI_FILTERS,
  };
}

/** A save dialog's options: `name` in `defaultDir`, one filter, asking before an existing file is replaced. */
function saveOptions(title: string, name: string, defaultDir: string | undefined, filter: { name: string; extensions: string[] }): SaveDialogOptions {
  return { title, defaultPath: defaultDir ? join(defaultDir, name) : name, filters: [filter], properties: ['createDirectory', 'showOverwriteConfirmation', 'dontAddToRecent'] };
}

/** Save dialog options for a report's PDF (its HTML and JSON go beside it). */
export function saveReportOptions(defaultName: string, defaultDir?: string): SaveDialogOptions {
  return saveOptions('Export Report', defaultName || 'patchlens-report.pdf', defaultDir, { name: 'PDF', extensions: ['pdf'] });
}

/** Save dialog options for a DICOM SEG (one `.dcm` file; the dialog asks before replacing one). */
export function saveSegOptions(defaultName: string, defaultDir?: string): SaveDialogOptions {
  return saveOptions('Export DICOM SEG', defaultName || 'labels.seg.dcm', defaultDir, { name: 'DICOM SEG', extensions: ['dcm'] });
}

/** Index of the Replace button in {@link confirmReplaceOptions}; Cancel is 1 (the default and the Esc answer). */
export const REPLACE_BUTTON = 0;

/**
 * The question before files are replaced: "Replace 2 existing files?", the detail listing every
 * file the operation writes (each marked "replaces the existing file" or "new"), buttons Replace /
 * Cancel with Cancel the default and the answer to Esc or closing the box. Files in `existing` that
 * are not in `writes` are listed too (replaced all the same).
 *
 * @param writes every file the operation writes (absolute paths)
 * @param existing those of them that exist now
 */
export function confirmReplaceOptions(writes: readonly string[], existing: readonly string[]): MessageBoxOptions {
  if (!Array.isArray(writes) || !writes.every((w) => typeof w === 'string')) throw new Error('confirmReplaceOptions: writes must be an array of paths');
  if (!Array.isArray(existing) || !existing.every((e) => typeof e === 'string')) throw new Error('confirmReplaceOptions: existing must be an array of paths');
  const exists = new Set(existing);
  const all = [...new Set([...writes, ...existing])];
  const replaced = all.filter((f) => exists.has(f)).length;
  const folders = new Set(all.map((f) => f.slice(0, f.length - basename(f).length)));
  // One folder (the usual case): names only, and the folder once; else full paths.
  const name = (f: string) => (folders.size === 1 ? basename(f) : f);
  const lines = all.map((f) => `  ${name(f)}: ${exists.has(f) ? 'replaces the existing file' : 'new'}`);
  const where = folders.size === 1 ? `In ${[...folders][0].replace(/[\\/]$/, '') || '/'}, this writes ${all.length} file${all.length === 1 ? '' : 's'}:` : `This writes ${all.length} files:`;
  return {
    type: 'warning',
    title: 'Replace files?',
    message: `Replace ${replaced} existing file${replaced === 1 ? '' : 's'}?`,
    detail: [where, ...lines, '', 'The existing files are lost when replaced.'].join('\n'),
    buttons: ['Replace', 'Cancel'],
    defaultId: 1,
    cancelId: 1,
    noLink: true,
  };
}

/**
 * The services' native dialogs over Electron's `dialog`, each modal to the app window when
 * there is one. Cancelled dialogs answer null; a report path gets `.pdf` when it lacks it, a SEG's `.dcm`.
 * `confirmReplace` asks with {@link confirmReplaceOptions} and is true only for Replace; with
 * nothing to replace it answers true without asking.
 *
 * @param dialog Electron's dialog (or a fake)
 * @param getWindow the app window (null when none)
 * @param defaultDir folder the dialogs start in (the project folder)
 */
export function createNativeDialogs(
  dialog: Pick<Dialog, 'showOpenDialog' | 'showSaveDialog' | 'showMessageBox'>,
  getWindow: () => BaseWindow | null,
  defaultDir?: () => string | undefined,
): NativeDialogs {
  const parent = () => {
    const win = getWindow();
    return win && !win.isDestroyed() ? win : null;
  };
  /** The path a save dialog chose, with `ext` added when it lacks it; null when cancelled. */
  const save = async (options: SaveDialogOptions, ext: string): Promise<string | null> => {
    const win = parent();
    const answer = win ? await dialog.showSaveDialog(win, options) : await dialog.showSaveDialog(options);
    if (answer.canceled || !answer.filePath) return null;
    return extname(answer.filePath).toLowerCase() === ext ? answer.filePath : `${answer.filePath}${ext}`;
  };
  return {
    async open(kind) {
      const options = openDialogOptions(kind, defaultDir?.());
      const win = parent();
      const answer = win ? await dialog.showOpenDialog(win, options) : await dialog.showOpenDialog(options);
      if (answer.canceled || answer.filePaths.length === 0) return null;
      return answer.filePaths[0];
    },
    saveReport: (defaultName) => save(saveReportOptions(defaultName, defaultDir?.()), '.pdf'),
    saveSeg: (defaultName) => save(saveSegOptions(defaultName, defaultDir?.()), '.dcm'),
    async confirmReplace(writes, existing) {
      const options = confirmReplaceOptions(writes, existing);
      if (existing.length === 0) return true;
      const win = parent();
      const answer = win ? await dialog.showMessageBox(win, options) : await dialog.showMessageBox(options);
      return answer.response === REPLACE_BUTTON;
    },
  };
}
