import type { RequestArgs, RequestChannel, RequestResult } from '../../../shared/api/contract';
import type { ConnectOptions, ServiceHostOptions } from '../serviceHost';
import type { Session } from '../session';

/**
 * Who asks, handed to every request handler (VS Code's `call(ctx, command, arg)` is the model):
 * the connection's id and role, the transport serving it, and the session it serves.
 */
export interface CallContext {
  /** The connection that sent the request (`c1`, …): page compute agents are bound to it. */
  readonly connectionId: string;
  /** `ui`: the app's page (every channel); `compute`: a compute-only page (the `compute:*` channels only). */
  readonly role: ConnectOptions['role'];
  /** The transport serving the connection (`electron` trusts dropped paths, `http` never does). */
  readonly transport: ServiceHostOptions['transport'];
  /** The session the connection serves (its files, runs, jobs, uploads). */
  readonly session: Session;
}

/** The handler of one channel: answers its checked arguments for the caller. */
export type Handler<K extends RequestChannel> = (call: CallContext, args: RequestArgs<K>) => Promise<RequestResult<K>>;

/** A handler table: one handler for each channel of `K` (a domain's share of the contract). */
export type HandlerTable<K extends RequestChannel> = { readonly [C in K]: Handler<C> };
