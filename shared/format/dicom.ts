/**
 * DICOM values as PatchLens shows them (the viewer's patient header, the report's patient block).
 */

/**
 * A DICOM date (DA, `YYYYMMDD`) as `YYYY-MM-DD`; '' for an empty value. A value of another form
 * (an old `YYYY.MM.DD`, a partial date) is shown as stored rather than guessed at.
 */
export function dicomDate(value: string | null | undefined): string {
  const v = (value ?? '').trim();
  const m = /^(\d{4})(\d{2})(\d{2})$/.exec(v) ?? /^(\d{4})\.(\d{2})\.(\d{2})$/.exec(v);
  return m ? `${m[1]}-${m[2]}-${m[3]}` : v;
}

/** A series' number and description in one phrase ("Series 3: ch2 as DICOM"), '' when it has neither. */
export function seriesText(number: number | null | undefined, description: string | null | undefined): string {
  const d = (description ?? '').trim();
  const n = number === null || number === undefined ? '' : `Series ${number}`;
  return n && d ? `${n}: ${d}` : n || d;
}
