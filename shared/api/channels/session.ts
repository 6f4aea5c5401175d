/**
 * The sessions domain of the contract: the app, the session's state, jobs, and the application
 * commands main sends from its menu. One comment line per request and event.
 */
import type { JobInfo } from '../contract/jobs';
import type { SessionState } from '../contract/session';
import { COMMAND_IDS, type CommandId } from '../../commands/commandIds';

/** Application commands (menu items and their accelerators) the renderer carries out: the ids of shared/commands. */
export type AppCommand = CommandId;

/** Every app command (the registry's id list). */
export const APP_COMMANDS = COMMAND_IDS;

/** The sessions domain's requests. */
export interface SessionRequests {
  /** App name, version, platform and the transport serving this page. */
  'app:info': { args: Record<string, never>; result: { name: string; version: string; platform: string; transport: 'electron' | 'http'; nativeDialogs: boolean } };
  /** The whole session state (also pushed as `session:changed`). */
  'session:get': { args: Record<string, never>; result: SessionState };
  /** Opens the bundled demo: its first case's image and labels and the demo model. */
  'session:openDemo': { args: Record<string, never>; result: SessionState };
  /** Cancels a queued or running job (no-op when it already ended). */
  'job:cancel': { args: { jobId: string }; result: JobInfo };
}

/** A request channel of the sessions domain. */
export type SessionChannel = keyof SessionRequests;

/** The sessions domain's channels, in contract order. */
export const SESSION_CHANNELS = ['app:info', 'session:get', 'session:openDemo', 'job:cancel'] as const satisfies readonly SessionChannel[];

// Compile-time check: the list names every channel of SessionRequests.
const _everySessionChannel: Exclude<SessionChannel, (typeof SESSION_CHANNELS)[number]> extends never ? true : false = true;
void _everySessionChannel;

/** The sessions domain's events. */
export interface SessionEvents {
  /** The session changed (file opened, run finished, job queued/ended, ...). */
  'session:changed': SessionState;
  /** A job's progress (at most ~10 per second per job). */
  'job:progress': JobInfo;
  /** A menu item or accelerator was used. */
  'app:command': { command: AppCommand };
}

/** The sessions domain's events, in contract order. */
export const SESSION_EVENTS = ['session:changed', 'job:progress', 'app:command'] as const satisfies readonly (keyof SessionEvents)[];
