import { decodePDFRawStream, PDFArray, PDFDict, PDFDocument, PDFHexString, PDFName, PDFRawStream, PDFString } from 'pdf-lib';

/** A file attached to a PDF. */
export interface ReadAttachment {
  name: string;
  bytes: Uint8Array;
  description: string | null;
}

const text = (v: unknown): string | null => (v instanceof PDFHexString || v instanceof PDFString ? v.decodeText() : null);

/**
 * The files attached to a PDF (the document-level `EmbeddedFiles` name tree, flat or with
 * kids), e.g. the report's JSON sidecar. A test helper: the app writes attachments, only tests read them.
 */
export async function readPdfAttachments(pdf: Uint8Array): Promise<ReadAttachment[]> {
  const doc = await PDFDocument.load(pdf, { updateMetadata: false });
  const names = doc.catalog.lookupMaybe(PDFName.of('Names'), PDFDict);
  const tree = names?.lookupMaybe(PDFName.of('EmbeddedFiles'), PDFDict);
  const out: ReadAttachment[] = [];
  const visit = (node: PDFDict, depth: number) => {
    if (depth > 32) return;
    const pairs = node.lookupMaybe(PDFName.of('Names'), PDFArray);
    if (pairs) {
      for (let i = 0; i + 1 < pairs.size(); i += 2) {
        const spec = pairs.lookup(i + 1);
        if (!(spec instanceof PDFDict)) continue;
        const ef = spec.lookupMaybe(PDFName.of('EF'), PDFDict);
        const stream = ef?.lookup(PDFName.of('F'));
        if (!(stream instanceof PDFRawStream)) continue;
        const name = text(spec.lookup(PDFName.of('UF'))) ?? text(spec.lookup(PDFName.of('F'))) ?? text(pairs.lookup(i)) ?? `attachment-${out.length + 1}`;
        out.push({ name, bytes: decodePDFRawStream(stream).decode(), description: text(spec.lookup(PDFName.of('Desc'))) });
      }
    }
    const kids = node.lookupMaybe(PDFName.of('Kids'), PDFArray);
    if (kids) for (let k = 0; k < kids.size(); k++) {
      const kid = kids.lookup(k);
      if (kid instanceof PDFDict) visit(kid, depth + 1);
    }
  };
  if (tree) visit(tree, 0);
  return out;
}
