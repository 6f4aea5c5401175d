import { extname, join } from 'node:path';
import type { BaseWindow, Dialog, OpenDialogOptions, SaveDialogOptions } from 'electron';
import type { NativeDialogs } from '../src-node/app/serviceHost';

/** The NIfTI filters of the open dialogs (extensions without the dot; `nii.gz` is one extension). */
export const NIFTI_FILTERS = [
  { name: 'NIfTI image', extensions: ['nii', 'nii.gz'] },
  { name: 'All files', extensions: ['*'] },
];

/** Open dialog options for an image, a label map (one NIfTI file) or a model (one folder). */
export function openDialogOptions(kind: 'image' | 'label' | 'model', defaultPath?: string): OpenDialogOptions {
  const base = defaultPath ? { defaultPath } : {};
  if (kind === 'model') {
    return { ...base, title: 'Open Model Folder', buttonLabel: 'Open Model', properties: ['openDirectory', 'dontAddToRecent'] };
  }
  if (kind !== 'image' && kind !== 'label') throw new Error(`openDialogOptions: unknown kind ${JSON.stringify(kind)}`);
  return {
    ...base,
    title: kind === 'image' ? 'Open Image' : 'Open Label Map',
    properties: ['openFile', 'dontAddToRecent'],
    filters: NIFTI_FILTERS,
  };
}

/** Save dialog options for a report's PDF (its HTML and JSON go beside it). */
export function saveReportOptions(defaultName: string, defaultDir?: string): SaveDialogOptions {
  const name = defaultName || 'patchlens-report.pdf';
  return {
    title: 'Export Report',
    defaultPath: defaultDir ? join(defaultDir, name) : name,
    filters: [{ name: 'PDF', extensions: ['pdf'] }],
    properties: ['createDirectory', 'showOverwriteConfirmation', 'dontAddToRecent'],
  };
}

/**
 * The services' native dialogs over Electron's `dialog`, each modal to the app window when
 * there is one. Cancelled dialogs answer null; a report path gets `.pdf` when it lacks it.
 *
 * @param dialog Electron's dialog (or a fake)
 * @param getWindow the app window (null when none)
 * @param defaultDir folder the dialogs start in (the project folder)
 */
export function createNativeDialogs(
  dialog: Pick<Dialog, 'showOpenDialog' | 'showSaveDialog'>,
  getWindow: () => BaseWindow | null,
  defaultDir?: () => string | undefined,
): NativeDialogs {
  const parent = () => {
    const win = getWindow();
    return win && !win.isDestroyed() ? win : null;
  };
  return {
    async open(kind) {
      const options = openDialogOptions(kind, defaultDir?.());
      const win = parent();
      const answer = win ? await dialog.showOpenDialog(win, options) : await dialog.showOpenDialog(options);
      if (answer.canceled || answer.filePaths.length === 0) return null;
      return answer.filePaths[0];
    },
    async saveReport(defaultName) {
      const options = saveReportOptions(defaultName, defaultDir?.());
      const win = parent();
      const answer = win ? await dialog.showSaveDialog(win, options) : await dialog.showSaveDialog(options);
      if (answer.canceled || !answer.filePath) return null;
      return extname(answer.filePath).toLowerCase() === '.pdf' ? answer.filePath : `${answer.filePath}.pdf`;
    },
  };
}
