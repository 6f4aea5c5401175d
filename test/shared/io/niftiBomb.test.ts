// Limits before allocation (issue 11 item 7): a `.nii.gz` whose header claims 1024³ float32 must be
// refused from its header, before its body is inflated, and a gzip that inflates past its declared
// data must be refused as it does so. The inflater is pako's Inflate, wrapped here to count the
// bytes it produces (and to stop a runaway inflation at 32 MiB, so that the old code — which
// inflated the whole stream, RSS > 6 GB — fails these tests instead of exhausting the machine).
import { mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { gzipSync } from 'fflate';
import { readNifti } from '../../../shared/io/nifti';
import { readImageFile } from '../../../src-node/readInputFile';
import { handNifti } from './niftiFixtures';

const counter = vi.hoisted(() => ({ inflated: 0 }));
const GUARD = 32 * 2 ** 20;

vi.mock('pako', async (importOriginal) => {
  const pako = await importOriginal<typeof import('pako')>();
  // The reader's inflater, wrapped: every byte it hands out is counted.
  class CountingInflate {
    private readonly inner: InstanceType<typeof pako.Inflate>;
    onData: (chunk: Uint8Array) => void = () => undefined;
    constructor(options?: ConstructorParameters<typeof pako.Inflate>[0]) {
      this.inner = new pako.Inflate(options);
      this.inner.onData = (chunk: Uint8Array) => {
        counter.inflated += chunk.length;
        if (counter.inflated > GUARD) throw new Error(`test guard: ${counter.inflated} bytes inflated`);
        this.onData(chunk);
      };
    }
    push(data: Uint8Array, mode: boolean | number): boolean {
      return this.inner.push(data, mode as never);
    }
    get err() {
      return this.inner.err;
    }
    get msg() {
      return this.inner.msg;
    }
    get ended() {
      return this.inner.ended;
    }
    get strm() {
      return (this.inner as unknown as { strm: unknown }).strm;
    }
  }
  return { ...pako, Inflate: CountingInflate };
});

const MiB = 2 ** 20;

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** A NIfTI-1 header (352 bytes, no data) declaring `dim` of `datatype`. */
function header(dim: number[], datatype = 16, bitpix = 32): Uint8Array {
  return handNifti({ version: 1, littleEndian: true, dim: [3, ...dim, 1, 1, 1, 1], datatype, bitpix, values: [] });
}

/**
 * The bomb: a valid gzip (CRCs and lengths right) of a NIfTI-1 header claiming 1024³ float32
 * (4 GiB) followed by 4 GiB of zeros — 256 members of 16 MiB of zeros each, ~4 MB in all.
 */
function bomb(): Uint8Array {
  const zeros = gzipSync(new Uint8Array(16 * MiB), { level: 9, mtime: 0 });
  return concat([gzipSync(header([1024, 1024, 1024]), { mtime: 0 }), ...new Array<Uint8Array>(256).fill(zeros)]);
}

describe('a .nii.gz claiming 1024³ float32 (4 GiB) is refused from its header', () => {
  let bytes: Uint8Array;
  let dir: string;
  beforeAll(() => {
    bytes = bomb();
    dir = mkdtempSync(join(tmpdir(), 'patchlens-bomb-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  beforeEach(() => {
    counter.inflated = 0;
  });

  it('is a few MB that inflate to 4 GiB', () => {
    expect(bytes.length).toBeGreaterThan(3 * MiB);
    expect(bytes.length).toBeLessThan(6 * MiB);
  });

  it('readNifti: names the declared shape, datatype, bytes, the limit and how to raise it; inflates < 1 MiB', () => {
    expect(() => readNifti(bytes)).toThrow(
      'readNifti: the header declares a 1024×1024×1024 float32 image: 4 GiB of voxel data + 352 bytes of header and extensions = 4294967648 bytes, ' +
        'over the limit of 2 GiB (2147483648 bytes); if the image is real, raise the limit (maxBytes; CLI: --max-image-gib <n>)',
    );
    expect(counter.inflated).toBeGreaterThanOrEqual(348);
    expect(counter.inflated).toBeLessThan(MiB);
  });

  it('readNifti with maxBytes: the limit given is the one applied', () => {
    expect(() => readNifti(bytes, { maxBytes: 2 ** 30 })).toThrow(/over the limit of 1 GiB \(1073741824 bytes\)/);
    expect(counter.inflated).toBeLessThan(MiB);
    expect(() => readNifti(bytes, { maxBytes: -1 })).toThrow('readNifti: options.maxBytes must be a positive finite number of bytes, got -1');
  });

  it('readImageFile (the CLI and app path): refused from the file with the option and path; inflates < 1 MiB', () => {
    const path = join(dir, 'bomb.nii.gz');
    writeFileSync(path, bytes);
    expect(() => readImageFile('--image', path)).toThrow(new RegExp(`^--image ${path}: .*the header declares a 1024×1024×1024 float32 image.*over the limit of 2 GiB.*--max-image-gib`));
    expect(counter.inflated).toBeLessThan(MiB);
  });
});

describe('a gzip stream that inflates past the data its header declares is refused, not buffered', () => {
  beforeEach(() => {
    counter.inflated = 0;
  });

  it('one member: a 2×2×2 uint8 image followed by 16 MiB of zeros', () => {
    const nii = concat([header([2, 2, 2], 2, 8), Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8), new Uint8Array(16 * MiB)]);
    expect(() => readNifti(gzipSync(nii))).toThrow(
      'readNifti: the gzip stream inflates past the 8 bytes of voxel data its header declares (2×2×2 uint8): refused (a .nii.gz must end with its data)',
    );
    expect(counter.inflated).toBeLessThan(MiB);
  });

  it('a second member after the image (bgzip style)', () => {
    const image = concat([header([2, 2, 2], 2, 8), Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8)]);
    const stream = concat([gzipSync(image), gzipSync(new Uint8Array(16 * MiB))]);
    expect(() => readNifti(stream)).toThrow(/inflates past the 8 bytes of voxel data its header declares/);
    expect(counter.inflated).toBeLessThan(MiB);
    // the same image ending where it should reads fine, in one member or two
    expect(Array.from(readNifti(gzipSync(image)).data)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(Array.from(readNifti(concat([gzipSync(image.subarray(0, 300)), gzipSync(image.subarray(300))])).data)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });
});

describe('an uncompressed .nii is checked before it is read', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'patchlens-bignii-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('readNifti: a header claiming 4 GiB is over the limit (not "shorter than the header says")', () => {
    expect(() => readNifti(header([1024, 1024, 1024]))).toThrow(/^readNifti: the header declares a 1024×1024×1024 float32 image: 4 GiB of voxel data .*over the limit of 2 GiB/);
  });

  it('readImageFile: a 4 GiB (sparse) .nii is refused from its header, without reading the file', () => {
    const path = join(dir, 'big.nii');
    writeFileSync(path, header([1024, 1024, 1024]));
    truncateSync(path, 352 + 4 * 1024 ** 3); // a hole: no disk used, but readFileSync would need 4 GiB
    expect(() => readImageFile('--image', path)).toThrow(new RegExp(`^--image ${path}: .*1024×1024×1024 float32 image: 4 GiB of voxel data.*over the limit of 2 GiB`));
  });

  it('readImageFile: a file larger than the limit is refused even when its header declares little', () => {
    const path = join(dir, 'padded.nii');
    writeFileSync(path, concat([header([2, 2, 2], 2, 8), Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8)]));
    truncateSync(path, 3 * 1024 ** 3);
    expect(() => readImageFile('--label', path)).toThrow(`--label ${path}: the file is 3 GiB (3221225472 bytes), over the limit of 2 GiB (2147483648 bytes)`);
    // within the limit it reads (data first, the bytes after the declared data are ignored in a .nii)
    truncateSync(path, 352 + 8 + 100);
    expect(Array.from(readImageFile('--label', path).volume.data)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(() => readImageFile('--label', path, { maxBytes: 400 })).toThrow(/over the limit of 400 bytes/);
  });
});
