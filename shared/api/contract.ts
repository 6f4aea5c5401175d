/**
 * The typed contract between the renderer and the main-side services (Electron IPC or the
 * HTTP + WebSocket transport): every request with its arguments and result, every event with its
 * payload. Both transports carry exactly this; the preload derives its API from
 * {@link REQUEST_CHANNELS} / {@link EVENT_NAMES}.
 *
 * By domain, as the service host's handler tables (src-node/app/handlers): each domain's requests
 * and events, one comment line per entry as niivue's event map, are in `channels/<domain>.ts`
 * (sessions, files, runs, sweeps, reports, dicom, compute, annotation); the data they carry in `contract/<domain>.ts`.
 * Every union that code enumerates is derived from one list (`type X = (typeof XS)[number]`).
 * This file puts them together and is the one import path.
 *
 * Binary payloads are typed arrays (`VolumeData.data`, `PatchMapData.data`, uploads): Electron's
 * structured clone keeps them, the WebSocket transport frames them (see `binaryCodec.ts`).
 */
import { ANNOTATION_CHANNELS, ANNOTATION_EVENTS, type AnnotationEvents, type AnnotationRequests } from './channels/annotation';
import { COMPUTE_CHANNELS, COMPUTE_EVENTS, type ComputeEvents, type ComputeRequests } from './channels/compute';
import { DICOM_CHANNELS, type DicomRequests } from './channels/dicom';
import { FILE_CHANNELS, type FileRequests } from './channels/files';
import { REPORT_CHANNELS, type ReportRequests } from './channels/reports';
import { RUN_CHANNELS, type RunRequests } from './channels/runs';
import { SESSION_CHANNELS, SESSION_EVENTS, type SessionEvents, type SessionRequests } from './channels/session';
import { SWEEP_CHANNELS, type SweepRequests } from './channels/sweeps';

export * from './contract/errors';
export * from './contract/files';
export * from './contract/runs';
export * from './contract/sweeps';
export * from './contract/jobs';
export * from './contract/session';
export * from './contract/reports';
export * from './contract/dicom';
export * from './contract/compute';
export * from './contract/annotation';
export * from './channels/session';
export * from './channels/files';
export * from './channels/runs';
export * from './channels/sweeps';
export * from './channels/reports';
export * from './channels/dicom';
export * from './channels/compute';
export * from './channels/annotation';

/**
 * Every request: `args` the renderer sends, `result` main answers. A failure answers
 * `{ error: { code, message } }` instead (see {@link Envelope}).
 */
export interface Requests extends SessionRequests, FileRequests, RunRequests, SweepRequests, ReportRequests, DicomRequests, ComputeRequests, AnnotationRequests {}

/** Every event main pushes to the renderer. */
export interface Events extends SessionEvents, ComputeEvents, AnnotationEvents {}

/** A request channel of the contract. */
export type RequestChannel = keyof Requests;
/** An event name of the contract. */
export type EventName = keyof Events;
/** The arguments of a request. */
export type RequestArgs<K extends RequestChannel> = Requests[K]['args'];
/** The result of a request. */
export type RequestResult<K extends RequestChannel> = Requests[K]['result'];

/** Every request channel, domain by domain (the preload and the validators enumerate this). */
export const REQUEST_CHANNELS = [...SESSION_CHANNELS, ...FILE_CHANNELS, ...RUN_CHANNELS, ...SWEEP_CHANNELS, ...REPORT_CHANNELS, ...DICOM_CHANNELS, ...COMPUTE_CHANNELS, ...ANNOTATION_CHANNELS] as const satisfies readonly RequestChannel[];

/** Every event name. */
export const EVENT_NAMES = [...SESSION_EVENTS, ...COMPUTE_EVENTS, ...ANNOTATION_EVENTS] as const satisfies readonly EventName[];

// Compile-time check that the runtime lists name every channel/event (and nothing else).
type Missing<A extends string, B extends string> = Exclude<A, B>;
const _allChannels: Missing<RequestChannel, (typeof REQUEST_CHANNELS)[number]> extends never ? true : false = true;
const _allEvents: Missing<EventName, (typeof EVENT_NAMES)[number]> extends never ? true : false = true;
void _allChannels;
void _allEvents;
