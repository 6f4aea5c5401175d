import { pageToken } from './pageToken';

/**
 * A download link for a same-origin URL the services answered (e.g. `ReportExport.pdfUrl`), with
 * the page's token appended (unchanged when the page has none, as in Electron).
 * @param pdfUrl path or URL on this page's origin (`/files/sweeps/s1/report.pdf`)
 * @param base the page's address (default `location.href`)
 * @throws Error when the URL points to another origin (the token never leaves the origin)
 */
export function downloadUrl(pdfUrl: string, base: string = window.location.href): string {
  const token = pageToken();
  if (!token) return pdfUrl;
  const url = new URL(pdfUrl, base);
  if (url.origin !== new URL(base).origin) throw new Error(`downloadUrl: ${pdfUrl} is not on this page's origin`);
  url.searchParams.set('token', token);
  return `${url.pathname}${url.search}${url.hash}`;
}
