/** What `window.transportTest` answers. */
export interface TransportTestResult {
  transport: string;
  isFloat32: boolean;
  data: number[];
  shape: number[];
  upload: unknown;
  error: { name: string; code: string | null; message: string } | null;
  href: string;
  stored: string | null;
  /** This tab's session as the page keeps it (`<id>.<key>`). */
  session: string | null;
  link: string;
}

declare global {
  interface Window {
    transportTest?: () => Promise<TransportTestResult>;
    transportEvents?: unknown[];
  }
}
