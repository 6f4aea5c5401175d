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

export default {
  log,
  async: { AsyncDicomReader: Unavailable },
  data: { DicomMetaDictionary: { dictionary: {}, nameMap: {} } },
  utilities: { DicomMetadataListener: Unavailable },
};
