/** Findings: points and regions marked on an image, explained in the run's patch terms. */
export * from './types';
export { anchorVoxel, describeFindingPatch, findingPatch, type FindingPatchOptions } from './findingPatch';
export { applyFindingOperation, createFinding, deleteFinding, editFinding, type FindingChange, type FindingContext, type FindingEdit, type FindingOperation, type NewFinding } from './findingOperations';
export { filterFindings, type FindingFilter } from './filterFindings';
export { parseFindings, serializeFindings } from './findingsJson';
export { FindingsValidationError, validateFinding, validateFindingShape, validateFindingsDocument, validateFindingsImage } from './validateFindings';
