/**
 * Stand-in for `dcmjs` in the renderer bundle. cornerstone3D's metadata package imports dcmjs for
 * DICOM parsing, which PatchLens never uses (its volumes are built locally from NIfTI data), and
 * dcmjs builds functions with `new Function`, which the page's CSP (`script-src 'self'`) forbids.
 * Only what cornerstone touches while its modules load is provided; any real use throws.
 */
function unavailable(name: string): never {
  throw new Error(`dcmjs.${name}: DICOM parsing is not part of the PatchLens renderer`);
}

class Unavailable {
  constructor() {
    unavailable('constructor');
  }
}

/** loglevel-like logger that discards everything. */
const quiet = { trace() {}, debug() {}, info() {}, warn() {}, error() {}, setLevel() {}, getLevel: () => 5, enableAll() {}, disableAll() {} };

/** `log.getLogger(name)` as cornerstone's logging module calls it at load time. */
export const log = { ...quiet, getLogger: () => quiet, getLoggers: () => ({}) };

/**
 * cornerstone's tag table resolves every keyword it knows through dcmjs's name map when it loads
 * (and warns for each one missing): give each keyword a distinct placeholder tag in a private
 * group, so the table builds quietly. Nothing in PatchLens reads DICOM tags.
 */
const placeholderTags = new Map<string, { tag: string; name: string; vr: string; vm: string }>();
const nameMap = new Proxy({} as Record<string, unknown>, {
  get(_target, keyword) {
    if (typeof keyword !== 'string') return undefined;
    let entry = placeholderTags.get(keyword);
    if (!entry) {
      const element = placeholderTags.size.toString(16).toUpperCase().padStart(4, '0');
      entry = { tag: `(FFF1,${element})`, name: keyword, vr: 'UN', vm: '1' };
      placeholderTags.set(keyword, entry);
    }
    return entry;
  },
});

export default {
  log,
  async: { AsyncDicomReader: Unavailable },
  data: { DicomMetaDictionary: { dictionary: {}, nameMap } },
  utilities: { DicomMetadataListener: Unavailable },
};
