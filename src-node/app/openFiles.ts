import { createHash } from 'node:crypto';
import { existsSync, realpathSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import type { ModelInfo, VolumeInfo } from '../../shared/api/contract';
import type { NiftiVolume } from '../../shared/io/nifti';
import { readImageFile } from '../readInputFile';
import { loadModelInfo } from './modelInfo';
import { fail } from './serviceError';
import { volumeInfo } from './volumeInfo';
import type { ModelRef } from './workerProtocol';

/** An image or label map open in a session. */
export interface OpenVolume {
  info: VolumeInfo;
  volume: NiftiVolume;
  path: string;
  /** What the file is: the SHA-256 of its bytes (two files of the same shape are not the same image). */
  identity: string;
}

/** A model open in a session. */
export interface OpenModel {
  info: ModelInfo;
  ref: ModelRef;
}

/** How many volumes / models stay cached. */
const CACHED = 4;

/**
 * Reads images, label maps and models for the sessions, each file once while it is unchanged
 * (sessions share the parsed volume read-only: a key of path, size and modification time). The
 * volumes are never mutated by anyone (the engine copies what it changes).
 */
export class OpenFiles {
  private readonly volumes = new Map<string, OpenVolume>();
  private readonly models = new Map<string, Promise<OpenModel>>();

  /**
   * @param maxImageBytes the largest decoded image to read (undefined: readImageFile's default)
   * @param closing aborts model checks in progress when the services close
   */
  constructor(
    private readonly maxImageBytes?: number,
    private readonly closing?: AbortSignal,
  ) {}

  /** Reads a 3-D image or label map. @throws ServiceError `not-found` / `bad-input` naming the file */
  readVolume(kind: 'image' | 'label', path: string): OpenVolume {
    if (!existsSync(path)) throw fail('not-found', `${kind} ${basename(path)}: no such file (${path})`);
    const key = fileKey(kind, path);
    const cached = this.volumes.get(key);
    if (cached) {
      this.volumes.delete(key);
      this.volumes.set(key, cached);
      return cached;
    }
    let read: ReturnType<typeof readImageFile>;
    try {
      read = readImageFile(kind, path, this.maxImageBytes === undefined ? undefined : { maxBytes: this.maxImageBytes });
    } catch (e) {
      throw fail('bad-input', `${kind} ${basename(path)}: ${(e as Error).message.replace(`${kind} ${path}: `, '')}`);
    }
    const volume = read.volume;
    if (volume.shape.length !== 3) throw fail('bad-input', `${kind} ${basename(path)}: expected a 3-D ${kind === 'image' ? 'image' : 'label map'}, got shape [${volume.shape}]`);
    const sha256 = read.bytes ? createHash('sha256').update(read.bytes).digest('hex') : null;
    const identity = sha256 ?? key;
    const open: OpenVolume = { info: { ...volumeInfo(volume, kind, path), sha256 }, volume, path, identity };
    this.volumes.set(key, open);
    while (this.volumes.size > CACHED) this.volumes.delete(this.volumes.keys().next().value as string);
    return open;
  }

  /** Opens a model folder for its information (parsed and built off this thread, with a time limit: see modelInfo.ts). */
  openModel(path: string): Promise<OpenModel> {
    let key: string;
    try {
      key = fileKey('model', `${path}/model.json`);
    } catch {
      key = `model:${path}:missing`;
    }
    let entry = this.models.get(key);
    if (!entry) {
      entry = loadModelInfo(path, this.closing ? { signal: this.closing } : {});
      this.models.set(key, entry);
      entry.catch(() => this.models.delete(key));
      while (this.models.size > CACHED) this.models.delete(this.models.keys().next().value as string);
    }
    return entry;
  }
}

/** A cache key of a file: its real path, size and modification time. */
function fileKey(kind: string, path: string): string {
  try {
    const real = realpathSync(path);
    const s = statSync(real);
    return `${kind}:${real}:${s.size}:${s.mtimeMs}`;
  } catch {
    return `${kind}:${path}:missing`;
  }
}
