/**
 * A session's staged DICOM choices (src-node/app/dicomChoices.ts): a token stands for its folder
 * until opened or discarded; the same folder listed again, more than the limit, an idle choice
 * and the session's end each drop a choice, deleting the upload behind it (never the user's own folder).
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { DICOM_CHOICE_IDLE_MS, DicomChoices, MAX_DICOM_CHOICES } from '../../../src-node/app/dicomChoices';
import { ServiceError } from '../../../src-node/app/serviceError';

function choices() {
  const deleted: string[] = [];
  return { deleted, staged: new DicomChoices((folder) => deleted.push(folder)) };
}

const codeOf = (f: () => unknown) => {
  try {
    f();
  } catch (e) {
    return e instanceof ServiceError ? e.code : String(e);
  }
  return 'no error';
};

afterEach(() => vi.useRealTimers());

describe('DicomChoices', () => {
  it('answers the folder of a token until it is opened; then the token is not-found and the upload deleted', () => {
    const { deleted, staged } = choices();
    const token = staged.stage('/p/uploads/u1', '/p/uploads/u1');
    expect(token).toMatch(/^c[0-9a-f]{24}$/);
    expect(staged.get('file:open', token)).toEqual({ path: '/p/uploads/u1', upload: '/p/uploads/u1', series: [] });
    staged.opened(token);
    expect(deleted).toEqual(['/p/uploads/u1']);
    expect(codeOf(() => staged.get('file:open', token))).toBe('not-found');
    expect(codeOf(() => staged.get('file:open', 'cunknown'))).toBe('not-found');
  });

  it('discards (twice is fine), never deleting a folder that is not an upload', () => {
    const { deleted, staged } = choices();
    const own = staged.stage('/scans/study', null);
    const upload = staged.stage('/p/uploads/u2', '/p/uploads/u2');
    expect(staged.discard(own)).toBeNull();
    expect(staged.discard(upload)).toBeNull();
    expect(staged.discard(upload)).toBeNull();
    expect(deleted).toEqual(['/p/uploads/u2']);
    expect(staged.size()).toBe(0);
  });

  it('the same folder listed again replaces its choice; past the limit the oldest goes', () => {
    const { deleted, staged } = choices();
    const first = staged.stage('/scans/study', null);
    const again = staged.stage('/scans/study', null);
    expect(codeOf(() => staged.get('file:open', first))).toBe('not-found');
    expect(staged.get('file:open', again).path).toBe('/scans/study');
    const uploads = Array.from({ length: MAX_DICOM_CHOICES }, (_, i) => staged.stage(`/p/uploads/u${i}`, `/p/uploads/u${i}`));
    expect(staged.size()).toBe(MAX_DICOM_CHOICES);
    expect(codeOf(() => staged.get('file:open', again))).toBe('not-found');
    expect(uploads.map((t) => staged.get('file:open', t).path)).toEqual(uploads.map((_, i) => `/p/uploads/u${i}`));
    expect(deleted).toEqual([]);
    staged.stage('/p/uploads/u9', '/p/uploads/u9');
    expect(deleted).toEqual(['/p/uploads/u0']);
  });

  it('drops a choice idle for the idle time (a look keeps it), and every choice when the session ends', () => {
    vi.useFakeTimers();
    const { deleted, staged } = choices();
    const idle = staged.stage('/p/uploads/a', '/p/uploads/a');
    const looked = staged.stage('/p/uploads/b', '/p/uploads/b');
    vi.advanceTimersByTime(DICOM_CHOICE_IDLE_MS - 1000);
    staged.get('file:open', looked);
    vi.advanceTimersByTime(2000);
    expect(deleted).toEqual(['/p/uploads/a']);
    expect(codeOf(() => staged.get('file:open', idle))).toBe('not-found');
    staged.stage('/p/uploads/c', '/p/uploads/c');
    staged.close();
    expect(deleted.sort()).toEqual(['/p/uploads/a', '/p/uploads/b', '/p/uploads/c']);
    expect(staged.size()).toBe(0);
  });
});
