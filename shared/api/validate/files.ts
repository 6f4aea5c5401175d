/** The validators of the files domain's channels (uploads, opening and closing files, volumes). */
import type { RequestArgs } from '../contract';
import type { FileChannel } from '../channels/files';
import { CLOSABLE_FILE_KINDS, FILE_KINDS, OPEN_SOURCE_KINDS, UPLOAD_CHUNK_BYTES, VOLUME_FILE_KINDS, type OpenSource } from '../contract/files';
import { describe } from '../../util/validate';
import { ARG_LIMITS } from './argLimits';
import { array, fail, id, int, noArgs, object, oneOf, path, text, type Check } from './checks';

function uploadName(ch: string, name: string, value: unknown): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > ARG_LIMITS.maxNameLength || /[/\\\0]/.test(value) || value === '.' || value === '..') {
    fail(ch, `${name} must be a plain file name (no '/', '\\' or NUL, not '.' or '..', at most ${ARG_LIMITS.maxNameLength} characters), got ${describe(value)}`);
  }
  return value;
}

function openSource(ch: string, value: unknown): OpenSource {
  const from = value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as { from?: unknown }).from : undefined;
  const source = oneOf(ch, 'source.from', from, OPEN_SOURCE_KINDS);
  switch (source) {
    case 'dialog':
      object(ch, 'source', value, ['from']);
      return { from: 'dialog' };
    case 'recent':
    case 'drop': {
      const o = object(ch, 'source', value, ['from', 'path']);
      return { from: source, path: path(ch, 'source.path', o.path) };
    }
    case 'upload': {
      const o = object(ch, 'source', value, ['from', 'uploadId']);
      return { from: 'upload', uploadId: id(ch, 'source.uploadId', o.uploadId) };
    }
    case 'choice': {
      const o = object(ch, 'source', value, ['from', 'choice']);
      return { from: 'choice', choice: id(ch, 'source.choice', o.choice) };
    }
  }
}

/** Largest upload size a page may announce per file (the service host applies its own, smaller limit). */
const MAX_DECLARED_FILE_BYTES = 2 ** 40;

function uploadFiles(ch: string, value: unknown): { name: string; size: number }[] {
  const files = array(ch, 'files', value, 1, ARG_LIMITS.maxUploadFiles).map((f, i) => {
    const fo = object(ch, `files[${i}]`, f, ['name', 'size']);
    return { name: uploadPath(ch, `files[${i}].name`, fo.name), size: int(ch, `files[${i}].size`, fo.size, 0, MAX_DECLARED_FILE_BYTES) };
  });
  const names = new Set<string>();
  files.forEach((f, i) => {
    if (names.has(f.name)) fail(ch, `files[${i}].name repeats ${describe(f.name)}`);
    names.add(f.name);
  });
  return files;
}

/**
 * A file name of an upload, or a relative path inside a picked folder (`model5/model.json`):
 * `/`-separated plain names, no `..`, `.`, empty segment, backslash or NUL.
 */
function uploadPath(ch: string, name: string, value: unknown): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > ARG_LIMITS.maxPathLength) fail(ch, `${name} must be a relative file name, got ${describe(value)}`);
  const parts = value.split('/');
  parts.forEach((p, i) => uploadName(ch, parts.length > 1 ? `${name} (segment ${i + 1})` : name, p));
  return value;
}

/** One validator per channel of the files domain. */
export const FILE_VALIDATORS: { [K in FileChannel]: Check<RequestArgs<K>> } = {
  'upload:begin': (ch, args) => ({ files: uploadFiles(ch, object(ch, 'args', args, ['files']).files) }),
  'upload:chunk': (ch, args) => {
    const o = object(ch, 'args', args, ['uploadId', 'file', 'offset', 'bytes']);
    if (!(o.bytes instanceof Uint8Array)) fail(ch, `bytes must be a Uint8Array, got ${describe(o.bytes)}`);
    if (o.bytes.length > UPLOAD_CHUNK_BYTES) fail(ch, `bytes must be at most ${UPLOAD_CHUNK_BYTES} bytes (one chunk), got ${o.bytes.length}`);
    return { uploadId: id(ch, 'uploadId', o.uploadId), file: int(ch, 'file', o.file, 0, ARG_LIMITS.maxUploadFiles - 1), offset: int(ch, 'offset', o.offset, 0, MAX_DECLARED_FILE_BYTES), bytes: o.bytes };
  },
  'upload:cancel': (ch, args) => ({ uploadId: id(ch, 'uploadId', object(ch, 'args', args, ['uploadId']).uploadId) }),
  'file:open': (ch, args) => {
    const o = object(ch, 'args', args, ['kind', 'source', 'series'], ['kind', 'source']);
    const kind = oneOf(ch, 'kind', o.kind, FILE_KINDS);
    if (o.series !== undefined && kind !== 'image') fail(ch, `series chooses a DICOM image's series; it is not for a ${kind}`);
    const source = openSource(ch, o.source);
    if (source.from === 'choice' && kind !== 'image') fail(ch, `a choice source is a listed DICOM folder: it opens only as an image, not as a ${kind}`);
    return { kind, source, ...(o.series !== undefined ? { series: text(ch, 'series', o.series, 64, false) } : {}) };
  },
  'file:dicomSeries': (ch, args) => {
    const source = openSource(ch, object(ch, 'args', args, ['source']).source);
    if (source.from === 'choice') fail(ch, 'source.from must be a folder to list (dialog, recent, drop, upload), got "choice"');
    return { source };
  },
  'file:dicomPreview': (ch, args) => {
    const o = object(ch, 'args', args, ['choice', 'series']);
    return { choice: id(ch, 'choice', o.choice), series: text(ch, 'series', o.series, 64, false) };
  },
  'file:dicomDiscard': (ch, args) => ({ choice: id(ch, 'choice', object(ch, 'args', args, ['choice']).choice) }),
  'file:close': (ch, args) => ({ kind: oneOf(ch, 'kind', object(ch, 'args', args, ['kind']).kind, CLOSABLE_FILE_KINDS) }),
  'volume:get': (ch, args) => ({ kind: oneOf(ch, 'kind', object(ch, 'args', args, ['kind']).kind, VOLUME_FILE_KINDS) }),
  'model:trainingMap': noArgs,
};
