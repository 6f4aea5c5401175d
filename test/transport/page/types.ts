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
  link: string;
}

declare global {
  interface Window {
    transportTest?: () => Promise<TransportTestResult>;
    transportEvents?: unknown[];
  }
}
