import { describe, expect, it } from 'vitest';
import {
  AGENT_HOSTS,
  ANNOTATION_CHANNELS,
  ANNOTATION_EVENTS,
  ANNOTATION_RESOLUTIONS,
  ANNOTATION_STARTS,
  API_ERROR_CODES,
  CLOSABLE_FILE_KINDS,
  COMPUTE_CHANNELS,
  COMPUTE_EVENTS,
  COMPUTE_MODES,
  DICOM_CHANNELS,
  EVENT_NAMES,
  FILE_CHANNELS,
  FILE_KINDS,
  isApiErrorCode,
  OPEN_SOURCE_KINDS,
  REPORT_CHANNELS,
  REQUEST_CHANNELS,
  RUN_CHANNELS,
  RUN_LAYERS,
  SESSION_CHANNELS,
  SESSION_EVENTS,
  SWEEP_CASES,
  SWEEP_CHANNELS,
  VOLUME_FILE_KINDS,
} from '../../../shared/api/contract';
import { ARG_VALIDATORS } from '../../../shared/api/validateArgs';
import { BLEND_MODES, INFERENCE_MEASURES, PLACEMENTS, SWEEP_BLENDS } from '../../../shared/settings/index';

/** Every list a union of the contract is derived from. */
const LISTS: Record<string, readonly string[]> = {
  API_ERROR_CODES,
  FILE_KINDS,
  CLOSABLE_FILE_KINDS,
  VOLUME_FILE_KINDS,
  OPEN_SOURCE_KINDS,
  RUN_LAYERS,
  SWEEP_CASES,
  COMPUTE_MODES,
  AGENT_HOSTS,
  SESSION_CHANNELS,
  FILE_CHANNELS,
  RUN_CHANNELS,
  SWEEP_CHANNELS,
  REPORT_CHANNELS,
  DICOM_CHANNELS,
  COMPUTE_CHANNELS,
  SESSION_EVENTS,
  COMPUTE_EVENTS,
  ANNOTATION_CHANNELS,
  ANNOTATION_EVENTS,
  ANNOTATION_STARTS,
  ANNOTATION_RESOLUTIONS,
  REQUEST_CHANNELS,
  EVENT_NAMES,
  // The run parameters' lists the contract's types and validators take from shared/settings.
  PLACEMENTS,
  BLEND_MODES,
  SWEEP_BLENDS,
  INFERENCE_MEASURES,
};

describe('contract lists', () => {
  for (const [name, list] of Object.entries(LISTS)) {
    it(`${name} is non-empty and names each entry once`, () => {
      expect(list.length).toBeGreaterThan(0);
      expect(new Set(list).size).toBe(list.length);
    });
  }

  it('the domains together name every request channel once, and every event once', () => {
    const domains = [SESSION_CHANNELS, FILE_CHANNELS, RUN_CHANNELS, SWEEP_CHANNELS, REPORT_CHANNELS, DICOM_CHANNELS, COMPUTE_CHANNELS, ANNOTATION_CHANNELS].flat();
    expect([...domains].sort()).toEqual([...REQUEST_CHANNELS].sort());
    expect([...SESSION_EVENTS, ...COMPUTE_EVENTS, ...ANNOTATION_EVENTS].sort()).toEqual([...EVENT_NAMES].sort());
  });

  it('every request channel has a validator, and every validator a channel', () => {
    expect(Object.keys(ARG_VALIDATORS).sort()).toEqual([...REQUEST_CHANNELS].sort());
    for (const channel of REQUEST_CHANNELS) expect(typeof ARG_VALIDATORS[channel], channel).toBe('function');
  });

  it('the subsets of file kinds are file kinds', () => {
    for (const kind of [...CLOSABLE_FILE_KINDS, ...VOLUME_FILE_KINDS]) expect(FILE_KINDS).toContain(kind);
  });

  it('a sweep blends what the core blends, plus performance-weighted', () => {
    expect([...SWEEP_BLENDS]).toEqual([...BLEND_MODES, 'performance-weighted']);
  });

  it('isApiErrorCode accepts exactly the listed codes', () => {
    for (const code of API_ERROR_CODES) expect(isApiErrorCode(code)).toBe(true);
    for (const other of ['', 'Not-Found', 'error', 'toString', 404, null, undefined]) expect(isApiErrorCode(other)).toBe(false);
  });
});
