import { describe, expect, it } from 'vitest';
import { isNiftiPath, parseCommandLine } from '../../src-main/argv';

describe('parseCommandLine', () => {
  const cwd = '/home/ana/scans';

  it('picks .nii / .nii.gz files and ignores Electron and Chromium switches', () => {
    const argv = [
      '/opt/PatchLens/patchlens',
      '--no-sandbox',
      '--enable-features=WebGPU',
      '--inspect=9229',
      '-v',
      'ct.nii.gz',
      '/data/t1.NII',
      'notes.txt',
      'model',
      '/data/archive.gz',
      '/data/brain.nii.gz.bak',
    ];
    expect(parseCommandLine(argv, cwd)).toEqual({ projectDir: null, files: ['/home/ana/scans/ct.nii.gz', '/data/t1.NII'] });
  });

  it('skips the executable and the app folder of an unpackaged app', () => {
    expect(parseCommandLine(['/usr/lib/electron/electron', '.', 'a.nii'], cwd).files).toEqual(['/home/ana/scans/a.nii']);
    expect(parseCommandLine(['/x/electron.nii'], cwd).files).toEqual([]);
  });

  it('reads --project DIR and --project=DIR (relative to cwd) without taking the value as a file', () => {
    expect(parseCommandLine(['exe', '--project', 'proj.nii', 'x.nii'], cwd)).toEqual({
      projectDir: '/home/ana/scans/proj.nii',
      files: ['/home/ana/scans/x.nii'],
    });
    expect(parseCommandLine(['exe', '--project=/srv/p'], cwd).projectDir).toBe('/srv/p');
    expect(parseCommandLine(['exe', '--project'], cwd).projectDir).toBeNull();
  });

  it('takes file:// URLs (Linux desktop %U), refuses other schemes, and drops duplicates', () => {
    const argv = ['exe', 'file:///data/my%20scan.nii.gz', 'https://example.com/a.nii', 'patchlens://x.nii', '/data/my scan.nii.gz'];
    expect(parseCommandLine(argv, cwd).files).toEqual(['/data/my scan.nii.gz']);
  });

  it('treats everything after -- as files', () => {
    expect(parseCommandLine(['exe', '--', '--odd.nii', 'b.nii'], cwd).files).toEqual(['/home/ana/scans/--odd.nii', '/home/ana/scans/b.nii']);
  });

  it('rejects a relative cwd', () => {
    expect(() => parseCommandLine(['exe'], 'rel')).toThrow(/parseCommandLine: cwd/);
  });

  it('isNiftiPath matches the two extensions only', () => {
    expect(['a.nii', 'a.nii.gz', 'A.NII.GZ'].map(isNiftiPath)).toEqual([true, true, true]);
    expect(['a.gz', 'a.nii.zip', 'nii', 'a.nifti'].map(isNiftiPath)).toEqual([false, false, false, false]);
  });
});
