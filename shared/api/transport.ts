import type { ApiErrorCode, ApiErrorPayload, Envelope, EventName, Events, RequestArgs, RequestChannel, RequestResult } from './contract';

/**
 * What the renderer needs from a transport (Electron preload bridge or WebSocket client): send a
 * request and get its envelope, listen to events.
 */
export interface Transport {
  readonly kind: 'electron' | 'http';
  invoke(channel: RequestChannel, args: unknown): Promise<Envelope<unknown>>;
  on(event: EventName, listener: (payload: unknown) => void): () => void;
}

/** An error answered by main, rebuilt in the renderer with its code. */
export class ApiError extends Error {
  readonly code: ApiErrorCode;
  readonly channel: string;
  constructor(channel: string, payload: ApiErrorPayload) {
    super(`${channel}: ${payload.message}`);
    this.name = 'ApiError';
    this.code = payload.code;
    this.channel = channel;
  }
}

/** The typed API the UI uses: requests resolve to their result or throw {@link ApiError}. */
export interface Api {
  readonly transport: 'electron' | 'http';
  call<K extends RequestChannel>(channel: K, args: RequestArgs<K>): Promise<RequestResult<K>>;
  on<E extends EventName>(event: E, listener: (payload: Events[E]) => void): () => void;
}

/** Wraps a transport into the typed {@link Api}. */
export function createApi(transport: Transport): Api {
  return {
    transport: transport.kind,
    async call(channel, args) {
      const envelope = await transport.invoke(channel, args);
      if ('error' in envelope) throw new ApiError(channel, envelope.error);
      return envelope.result as never;
    },
    on(event, listener) {
      return transport.on(event, listener as (payload: unknown) => void);
    },
  };
}
