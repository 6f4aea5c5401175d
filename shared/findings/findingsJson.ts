import type { Finding, FindingsDocument, FindingsImage } from './types';
import { FindingsValidationError, validateFindingsDocument } from './validateFindings';

/**
 * The findings file's text: `{ format: 'patchlens.findings', version: 1, image, findings }`,
 * indented by two spaces; checked first, so a file this writes always reads back.
 */
export function serializeFindings(image: FindingsImage, findings: readonly Finding[]): string {
  const doc = validateFindingsDocument({ format: 'patchlens.findings', version: 1, image, findings });
  return `${JSON.stringify(doc, null, 2)}\n`;
}

/**
 * Reads a findings file (its text or the parsed object) and checks every field.
 * @throws {@link FindingsValidationError} naming the bad field, or for text that is not JSON
 */
export function parseFindings(input: unknown): FindingsDocument {
  let value = input;
  if (typeof input === 'string') {
    try {
      value = JSON.parse(input);
    } catch (e) {
      throw new FindingsValidationError('document', `is not JSON (${e instanceof Error ? e.message : String(e)})`);
    }
  }
  return validateFindingsDocument(value);
}
