/**
 * What an error notice says: a headline about the user's own file in the user's words, and the
 * technical message one click away. The services' messages name the channel, the function and
 * the path where the project keeps an upload (`file:open: image /…/uploads/<stamp>/ch2.txt:
 * readNiftiHeader: not a NIfTI file (sizeof_hdr is 1178882085, …)`); none of that belongs in the
 * headline ("ch2.txt is not a NIfTI image (.nii or .nii.gz)").
 */

/** An error as a notice shows it. */
export interface UserError {
  /** One line in the user's words, naming their file where there is one. */
  headline: string;
  /** The technical message (channel prefix once), null when it says nothing the headline does not. */
  detail: string | null;
}

/** What the headline may name. */
export interface UserErrorContext {
  /** The file the user picked or dropped (its own name, not where the project keeps it). */
  fileName?: string;
  /** What the file was opened as. */
  kind?: string;
}

/** `file:open: file:open: x` → `file:open: x` (a message prefixed by its channel twice, e.g. once by main and once by the transport). */
export function dedupePrefixes(message: string): string {
  let out = message;
  for (;;) {
    const next = out.replace(/^((?:[\w-]+:)+[\w-]*): \1: /, '$1: ');
    if (next === out) return out;
    out = next;
  }
}

/** A path inside the project's uploads folder (`…/uploads/<stamp>/model5/model.json`) → the file's own name (`model5/model.json`). */
export function hideUploadPaths(message: string): string {
  return message.replace(/(?:[A-Za-z]:)?[\\/][^\s()"']*?[\\/]uploads[\\/][^\s\\/()"']+[\\/]([^\s()"']+)/g, '$1');
}

/** Channel and function prefixes at the start (`file:open: `, `readNiftiHeader: `, `upload:chunk: `). */
function stripPrefixes(message: string): string {
  let out = message;
  for (;;) {
    const next = out.replace(/^(?:[a-z][\w-]*:[a-zA-Z][\w-]*|[a-z][a-zA-Z]+(?:\.[a-zA-Z]+)?): /, '');
    if (next === out) return out;
    out = next;
  }
}

const NIFTI_NAME = /\.nii(\.gz)?$/i;
const NOT_NIFTI = /not a (?:valid )?NIfTI|sizeof_hdr|shorter than a NIfTI|NIfTI-[12] header|unknown compression method|gzip (?:stream|header|member|trailer)|incorrect header check|invalid (?:stored block|block type|distance)|readNifti/i;

/**
 * The notice for a failed request.
 * @param what what the user was doing (`Open image`), used when no cause is recognised
 * @param technical the error's message as the transport gave it (`file:open: …`)
 */
export function userError(what: string, technical: string, context: UserErrorContext = {}): UserError {
  const detail = dedupePrefixes(technical.trim());
  const body = hideUploadPaths(stripPrefixes(detail));
  // "image ch2.txt: …" / "label x.nii.gz: …" / "model m5: …": the services name the file first.
  const named = /^(image|label|model) (.+?): (.*)$/s.exec(body);
  const kind = context.kind ?? named?.[1];
  const file = context.fileName ?? named?.[2];
  const reason = stripPrefixes(named ? named[3] : body);
  const headline = (() => {
    if (file && (kind === 'image' || kind === 'label') && NOT_NIFTI.test(reason)) {
      return NIFTI_NAME.test(file)
        ? `${file} could not be read as a NIfTI image: the file is damaged or not what its name says`
        : `${file} is not a NIfTI image (.nii or .nii.gz)`;
    }
    const image = /\(image ([^)]+)\)$/.exec(reason);
    if (file && kind === 'label' && image) return `${file} is not a label map of ${image[1]}: ${reason.slice(0, image.index).trim()}`;
    if (file && kind === 'model' && /no model\.json/.test(reason)) return `${file} is not a model: pick the model's folder (model.json with its weight files)`;
    if (file) return `${file}: ${reason}`;
    return `${what}: ${reason}`;
  })();
  return { headline, detail: detail === headline ? null : detail };
}
