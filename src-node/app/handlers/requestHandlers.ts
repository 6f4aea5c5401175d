import type { RequestChannel } from '../../../shared/api/contract';
import type { HostContext } from '../hostContext';
import { annotationHandlers, type AnnotationChannel } from './annotationHandlers';
import type { HandlerTable } from './callContext';
import { computeHandlers, type ComputeChannel } from './computeHandlers';
import { fileHandlers, type FileChannel } from './fileHandlers';
import { reportHandlers, type ReportChannel } from './reportHandlers';
import { runHandlers, type RunChannel } from './runHandlers';
import { segHandlers, type SegChannel } from './segHandlers';
import { sessionHandlers, type SessionChannel } from './sessionHandlers';
import { sweepHandlers, type SweepChannel } from './sweepHandlers';

/** Each domain's channels, one entry per handler table. */
type DomainChannels = [SessionChannel, FileChannel, RunChannel, SweepChannel, ReportChannel, SegChannel, ComputeChannel, AnnotationChannel];

/** The channels two or more entries of a tuple of channel unions share (never when they are disjoint). */
type Overlaps<T extends readonly string[]> = T extends readonly [infer H extends string, ...infer R extends string[]] ? (H & R[number]) | Overlaps<R> : never;

// Compile-time check: the domains' channels cover every channel of the contract, each exactly once.
const _everyChannelOnce: [Exclude<RequestChannel, DomainChannels[number]>, Overlaps<DomainChannels>] extends [never, never] ? true : false = true;
void _everyChannelOnce;

/**
 * The handlers of every channel of the contract, merged from the domains' tables (built once per
 * service host; each handler gets its caller's {@link CallContext}).
 */
export function requestHandlers(host: HostContext): HandlerTable<RequestChannel> {
  return {
    ...sessionHandlers(host),
    ...fileHandlers(host),
    ...runHandlers(host),
    ...sweepHandlers(host),
    ...reportHandlers(host),
    ...segHandlers(host),
    ...computeHandlers(host),
    ...annotationHandlers(host),
  };
}
