/** Helpers for tests that call a ServiceHost directly: unwrap envelopes, record events, upload files. */
import { UPLOAD_CHUNK_BYTES, type Envelope, type EventName, type Events, type JobInfo, type SessionState } from '../../shared/api/contract';
import type { ServiceConnection } from '../../src-node/app/serviceHost';

/** The result of an envelope (throws with its code and message when it is an error). */
export function result<T>(e: Envelope<unknown>): T {
  if ('error' in e) throw new Error(`${e.error.code}: ${e.error.message}`);
  return e.result as T;
}

/** The error of an envelope (throws when it is a result). */
export function errorOf(e: Envelope<unknown>): { code: string; message: string } {
  if (!('error' in e)) throw new Error(`expected an error, got ${JSON.stringify(e.result).slice(0, 200)}`);
  return e.error;
}

/** Records every event of a connection, with the time it came (performance.now()). */
export function recorder(conn: Pick<ServiceConnection, 'subscribe'>) {
  const events: { event: EventName; payload: unknown; at: number }[] = [];
  const off = conn.subscribe(<E extends EventName>(event: E, payload: Events[E]) => events.push({ event, payload, at: performance.now() }));
  return { events, off };
}

/** Uploads files through `upload:begin` / `upload:chunk` and answers the upload id. */
export async function uploadBytes(conn: Pick<ServiceConnection, 'handle'>, files: { name: string; bytes: Uint8Array }[]): Promise<string> {
  const { uploadId } = result<{ uploadId: string }>(await conn.handle('upload:begin', { files: files.map((f) => ({ name: f.name, size: f.bytes.length })) }));
  for (let i = 0; i < files.length; i++) {
    for (let offset = 0; offset < files[i].bytes.length; offset += UPLOAD_CHUNK_BYTES) {
      result(await conn.handle('upload:chunk', { uploadId, file: i, offset, bytes: files[i].bytes.slice(offset, offset + UPLOAD_CHUNK_BYTES) }));
    }
  }
  return uploadId;
}

/** Uploads files and opens them as `kind` (the `file:open` envelope). */
export async function openUpload(conn: Pick<ServiceConnection, 'handle'>, kind: 'image' | 'label' | 'model', files: { name: string; bytes: Uint8Array }[]): Promise<Envelope<unknown>> {
  const uploadId = await uploadBytes(conn, files);
  return conn.handle('file:open', { kind, source: { from: 'upload', uploadId } });
}

/** Resolves when a job ended (from session:changed). */
export function jobEnd(conn: Pick<ServiceConnection, 'subscribe' | 'handle'>, jobId: string): Promise<JobInfo> {
  return new Promise((resolve) => {
    const check = (s: SessionState) => {
      const job = s.jobs.find((j) => j.id === jobId);
      if (job && (job.state === 'done' || job.state === 'failed' || job.state === 'cancelled')) {
        off();
        resolve(job);
      }
    };
    const off = conn.subscribe((event, payload) => {
      if (event === 'session:changed') check(payload as SessionState);
    });
    void conn.handle('session:get', {}).then((e) => 'result' in e && check(e.result as SessionState));
  });
}
