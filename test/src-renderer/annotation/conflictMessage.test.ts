/**
 * The save-conflict dialog's sentence: main's real message (FileConflictError inside
 * annotationState's save, with the instructions for API callers) read as the user should read
 * it: the file, both times and sizes, no channel, function or `resolution 'overwrite'` words.
 */
import { describe, expect, it } from 'vitest';
import { ApiError } from '../../../shared/api/transport';
import { FileConflictError } from '../../../src-node/annotation/fileVersion';
import { conflictMessage } from '../../../src-renderer/annotation/annotationMessages';

describe('conflictMessage', () => {
  it('keeps what changed and drops the API words', () => {
    const opened = { path: '/p/annotations/k1/labels.nii.gz', exists: true, size: 1200, mtimeMs: Date.UTC(2026, 11, 7, 9, 0, 0), sha256: 'a'.repeat(64) };
    const current = { ...opened, size: 1250, mtimeMs: Date.UTC(2026, 11, 7, 9, 30, 0), sha256: 'b'.repeat(64) };
    const inner = new FileConflictError('saveChecked', opened, current);
    // As src-node/app/annotationState.ts save() wraps it, and the transport prefixes the channel.
    const wrapped = `annotation:save: ${inner.message} (save again with resolution 'overwrite' to replace it, 'save-as' to write ours to new files beside it, or 'keep-theirs' to reload it)`;
    const text = conflictMessage(new ApiError('annotation:save', { code: 'conflict', message: wrapped }));
    expect(text).toMatch(/^\/p\/annotations\/k1\/labels\.nii\.gz was changed by someone else since it was opened: opened as modified .+, now modified .+, 1200 → 1250 bytes\.$/);
    expect(text).not.toMatch(/resolution|annotation:save|saveChecked|keep theirs \(reload\)/);
  });
});
