/**
 * Opening a DICOM folder in the app, whatever it came from (the browser's folder upload, Electron's
 * folder dialog or a dropped folder, a recent entry): main lists its series (`file:dicomSeries`,
 * staged under a choice token); a folder of one series opens at once, one of several asks which
 * in the series picker (SeriesPicker.svelte). Cancel drops the choice (`file:dicomDiscard`: an
 * upload behind it is deleted) and says that nothing was opened.
 */
import type { DicomChoice, DicomSeriesSummary, SessionState } from '@shared/api/contract';
import { ApiError } from '@shared/api/transport';
import type { AppState } from './appState.svelte';
import { userError } from './userError';

/** See the module comment. */
export class DicomOpener {
  /** The listed folder the picker shows (null: no picker open). */
  picking = $state.raw<DicomChoice | null>(null);
  /** Why the last series picked did not open (shown in the picker, which stays open). */
  pickError = $state<string | null>(null);
  /** A series of the picker is being opened. */
  opening = $state(false);

  constructor(private readonly app: AppState) {}

  /**
   * Lists a DICOM folder and opens it: at once when it holds one series, else through the picker.
   * @param name what the user calls it (the folder's name), for error notices
   * @param list asks main for the listing (null: a dialog was cancelled)
   */
  async list(name: string, list: () => Promise<DicomChoice | null>): Promise<void> {
    const choice = await this.app.attempt('Open DICOM', list, { fileName: name, kind: 'image' });
    if (!choice) return;
    if (choice.series.length === 1) {
      const opened = await this.app.attempt('Open DICOM', () => this.open(choice, choice.series[0]), { fileName: choice.name, kind: 'image' });
      // A series that did not open is not kept for later: its upload goes.
      if (opened === undefined) await this.discard(choice.choice);
      return;
    }
    const previous = this.picking;
    this.picking = choice;
    this.pickError = null;
    if (previous) await this.discard(previous.choice);
  }

  /** The picker's Open: opens the series; on failure the picker stays open with the reason. */
  async pick(series: DicomSeriesSummary): Promise<void> {
    const choice = this.picking;
    if (!choice || this.opening) return;
    this.opening = true;
    this.pickError = null;
    try {
      await this.open(choice, series);
      if (this.picking === choice) this.picking = null;
    } catch (e) {
      const technical = e instanceof ApiError ? e.message : `Open DICOM: ${(e as Error).message}`;
      this.pickError = userError('Open DICOM', technical, { fileName: choice.name, kind: 'image' }).headline;
    } finally {
      this.opening = false;
    }
  }

  /** The picker's Cancel: drops the choice (an upload behind it is deleted) and says nothing was opened. */
  async cancel(): Promise<void> {
    const choice = this.picking;
    if (!choice) return;
    this.picking = null;
    this.pickError = null;
    await this.discard(choice.choice);
    this.app.notify('info', `Nothing was opened: no series of ${choice.name} was chosen.`);
  }

  private open(choice: DicomChoice, series: DicomSeriesSummary): Promise<SessionState | null> {
    return this.app.api.call('file:open', { kind: 'image', source: { from: 'choice', choice: choice.choice }, series: series.seriesInstanceUid });
  }

  /** Drops a choice in main; a failure only leaves it to main's idle timeout. */
  private async discard(choice: string): Promise<void> {
    await this.app.api.call('file:dicomDiscard', { choice }).catch(() => undefined);
  }
}
