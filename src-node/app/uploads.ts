/**
 * Uploads of the browser transport: the page announces files (names and sizes), sends them in
 * chunks in order, and names the upload in `file:open`. Bytes go straight to disk, into a temp
 * folder beside `uploads/<stamp>` that is renamed into place once every byte arrived (a checked
 * write loop and an fsync per file). Nothing is kept in memory; an upload over its limit is
 * refused before a byte is written; a cancelled, abandoned or failed upload is deleted.
 */
import { closeSync, fsyncSync, mkdirSync, openSync, rmSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { UPLOAD_CHUNK_BYTES, type UploadTicket } from '../../shared/api/contract';
import { beginFolder, type FolderWrite } from '../fs/atomicWrite';
import { fail } from './serviceError';

/** Default most bytes of one upload (all its files): 4 GiB. */
export const DEFAULT_MAX_UPLOAD_BYTES = 4 * 1024 ** 3;
/** An upload that received nothing for this long is dropped (10 minutes). */
export const UPLOAD_IDLE_MS = 10 * 60 * 1000;
/** Most unfinished uploads of one session. */
export const MAX_OPEN_UPLOADS = 4;

interface UploadFile {
  name: string;
  size: number;
  received: number;
  fd: number | null;
}

interface Upload {
  id: string;
  folder: FolderWrite;
  files: UploadFile[];
  lastSeen: number;
  timer: ReturnType<typeof setTimeout>;
}

const GiB = (n: number) => `${(n / 1024 ** 3).toFixed(n >= 1024 ** 3 ? 1 : 3)} GiB`;

/** One session's uploads (see the module comment). */
export class Uploads {
  private readonly open = new Map<string, Upload>();

  /**
   * @param uploadsDir the project's `uploads/` folder
   * @param maxBytes most bytes of one upload
   * @param idleMs an upload idle this long is dropped
   */
  constructor(
    private readonly uploadsDir: string,
    private readonly maxBytes: number = DEFAULT_MAX_UPLOAD_BYTES,
    private readonly idleMs: number = UPLOAD_IDLE_MS,
  ) {}

  /** `upload:begin`: checks the sizes against the limit and makes the temp folder (and the sub-folders of picked folders). */
  begin(files: { name: string; size: number }[]): UploadTicket {
    const total = files.reduce((s, f) => s + f.size, 0);
    if (total > this.maxBytes) {
      throw fail('bad-input', `upload:begin: ${files.length === 1 ? files[0].name : `${files.length} files`} ${files.length === 1 ? 'is' : 'are'} ${GiB(total)}, more than an upload may hold (${GiB(this.maxBytes)})`);
    }
    if (this.open.size >= MAX_OPEN_UPLOADS) throw fail('precondition', `upload:begin: ${this.open.size} uploads of this window are still unfinished; finish or cancel one first`);
    const stamp = `${new Date().toISOString().replace(/[:.]/g, '-')}-${randomBytes(4).toString('hex')}`;
    const folder = beginFolder(join(this.uploadsDir, stamp));
    const id = `u${stamp.replace(/[^A-Za-z0-9-]/g, '')}`;
    const upload: Upload = {
      id,
      folder,
      files: files.map((f) => ({ name: f.name, size: f.size, received: 0, fd: null })),
      lastSeen: Date.now(),
      timer: setTimeout(() => this.expire(id), this.idleMs),
    };
    upload.timer.unref?.();
    try {
      for (const f of upload.files) {
        const path = join(folder.dir, f.name);
        mkdirSync(dirname(path), { recursive: true });
        f.fd = openSync(path, 'wx', 0o644);
        if (f.size === 0) this.finishFile(f);
      }
    } catch (e) {
      this.drop(upload);
      throw fail('internal', `upload:begin: cannot write into the project's uploads folder: ${(e as Error).message}`);
    }
    this.open.set(id, upload);
    return { uploadId: id, chunkBytes: UPLOAD_CHUNK_BYTES, maxBytes: this.maxBytes };
  }

  /** `upload:chunk`: appends the next bytes of one file (in order); answers that file's bytes received. */
  chunk(uploadId: string, file: number, offset: number, bytes: Uint8Array): { received: number } {
    const upload = this.get('upload:chunk', uploadId);
    const f = upload.files[file];
    if (!f) throw fail('bad-request', `upload:chunk: upload ${uploadId} has ${upload.files.length} file(s), no file ${file}`);
    if (offset !== f.received) throw fail('bad-request', `upload:chunk: ${f.name}: expected the bytes from offset ${f.received}, got offset ${offset} (chunks go in order)`);
    if (offset + bytes.length > f.size) {
      this.drop(upload);
      throw fail('bad-input', `upload:chunk: ${f.name} is longer than the ${f.size} bytes announced; the upload was dropped`);
    }
    upload.lastSeen = Date.now();
    upload.timer.refresh();
    try {
      let at = 0;
      while (at < bytes.length) {
        const n = writeSync(f.fd!, bytes, at, bytes.length - at);
        if (n <= 0) throw new Error(`short write (${at} of ${bytes.length} bytes)`);
        at += n;
      }
    } catch (e) {
      this.drop(upload);
      throw fail('internal', `upload:chunk: ${f.name}: cannot write the upload (${(e as Error).message}); it was dropped`);
    }
    f.received += bytes.length;
    if (f.received === f.size) this.finishFile(f);
    return { received: f.received };
  }

  /** `upload:cancel`: drops an unfinished upload and deletes what it wrote (unknown ids are fine: it is gone). */
  cancel(uploadId: string): null {
    const upload = this.open.get(uploadId);
    if (upload) this.drop(upload);
    return null;
  }

  /**
   * `file:open` with an upload: every byte must have arrived; the folder is renamed into place and
   * the upload leaves this list. Answers the folder (the files are inside, by their names).
   */
  take(uploadId: string): { folder: string; files: string[] } {
    const upload = this.get('file:open', uploadId);
    const missing = upload.files.filter((f) => f.received !== f.size);
    if (missing.length > 0) throw fail('precondition', `file:open: upload ${uploadId} is not complete (${missing.map((f) => `${f.name}: ${f.received} of ${f.size} bytes`).join(', ')})`);
    this.open.delete(uploadId);
    clearTimeout(upload.timer);
    try {
      upload.folder.commit();
    } catch (e) {
      upload.folder.abort();
      throw fail('internal', `file:open: cannot keep upload ${uploadId}: ${(e as Error).message}`);
    }
    return { folder: upload.folder.target, files: upload.files.map((f) => f.name) };
  }

  /** Deletes a taken upload's folder (its file did not open). */
  discard(folder: string): void {
    if (dirname(folder) !== this.uploadsDir) return;
    rmSync(folder, { recursive: true, force: true });
  }

  /** Drops every unfinished upload (the session ended). */
  close(): void {
    for (const u of [...this.open.values()]) this.drop(u);
  }

  /** Unfinished uploads now. */
  size(): number {
    return this.open.size;
  }

  private get(ch: string, uploadId: string): Upload {
    const upload = this.open.get(uploadId);
    if (!upload) throw fail('not-found', `${ch}: no unfinished upload ${uploadId} in this window (finished, cancelled, or dropped after ${Math.round(this.idleMs / 60000)} idle minutes)`);
    return upload;
  }

  private finishFile(f: UploadFile): void {
    if (f.fd === null) return;
    fsyncSync(f.fd);
    closeSync(f.fd);
    f.fd = null;
  }

  private expire(id: string): void {
    const upload = this.open.get(id);
    if (upload && Date.now() - upload.lastSeen >= this.idleMs) this.drop(upload);
  }

  private drop(upload: Upload): void {
    this.open.delete(upload.id);
    clearTimeout(upload.timer);
    for (const f of upload.files) {
      if (f.fd !== null) {
        try {
          closeSync(f.fd);
        } catch {
          // closing a descriptor of a folder about to be removed
        }
        f.fd = null;
      }
    }
    upload.folder.abort();
  }
}
