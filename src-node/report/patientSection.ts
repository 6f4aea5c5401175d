import { dicomDate, seriesText } from '../../shared/format/dicom';
import { esc } from './html';
import type { ReportData } from './reportTypes';

/**
 * The report's patient block (HTML, so in the PDF too): name, ID, birth date, sex, study date,
 * accession number, study and series, under the title. Empty unless the report data holds a
 * patient (the user opted in: see `ReportData.patient`).
 */
export function patientSection(data: ReportData): string {
  const p = data.patient;
  if (!p) return '';
  const v = (x: string) => (x.trim() ? esc(x) : '<span class="note">—</span>');
  const series = [p.series.modality, seriesText(p.series.number, p.series.description)].filter((x) => x.trim()).join(' · ');
  const rows: [string, string, string][] = [
    ['patient-name', 'patient', v(p.name)],
    ['patient-id', 'patient ID', v(p.id)],
    ['patient-birth-date', 'birth date', v(dicomDate(p.birthDate))],
    ['patient-sex', 'sex', v(p.sex)],
    ['study-date', 'study date', v(dicomDate(p.studyDate))],
    ['accession-number', 'accession number', v(p.accessionNumber)],
    ['study-description', 'study', v(p.studyDescription)],
    ['series', 'series', v(series)],
    ['series-uid', 'series instance UID', p.series.instanceUid ? `<span class="mono">${esc(p.series.instanceUid)}</span>` : v('')],
  ];
  return `<section id="patient" class="keep">
<h2>Patient</h2>
<p class="note">Patient identifiers of the image's DICOM series, included on request. This report identifies a person: store and share it as patient data.</p>
<table class="kv"><tbody>${rows.map(([id, k, x]) => `<tr id="${id}"><th>${esc(k)}</th><td>${x}</td></tr>`).join('')}</tbody></table>
</section>`;
}
