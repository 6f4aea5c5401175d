/**
 * Request dispatch (src-node/app/handlers): every handler gets its caller's context (connection
 * id, role, transport, session) and the checked arguments; a compute connection is refused every
 * channel but `compute:*`; a request waits for the session's first files; the domains' handler
 * tables together answer every channel of the contract.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REQUEST_CHANNELS, type RequestChannel } from '../../../../shared/api/contract';
import { createServiceHost } from '../../../../src-node/app/createServiceHost';
import type { CallContext, HandlerTable } from '../../../../src-node/app/handlers/callContext';
import { dispatchRequest } from '../../../../src-node/app/handlers/dispatchRequest';
import { requestHandlers } from '../../../../src-node/app/handlers/requestHandlers';
import type { HostContext } from '../../../../src-node/app/hostContext';
import { fail } from '../../../../src-node/app/serviceError';
import type { Session } from '../../../../src-node/app/session';
import { errorOf, result } from '../../../helpers/hostEnvelopes';

/** A handler table whose every handler records its call and answers its channel's name. */
function recordingTable() {
  const calls: { channel: RequestChannel; call: CallContext; args: unknown }[] = [];
  const table = Object.fromEntries(
    REQUEST_CHANNELS.map((channel) => [
      channel,
      async (call: CallContext, args: unknown) => {
        calls.push({ channel, call, args });
        return channel;
      },
    ]),
  ) as unknown as HandlerTable<RequestChannel>;
  return { table, calls };
}

const fakeSession = (ready: Promise<void> = Promise.resolve()) => ({ id: 's7', ready }) as unknown as Session;

describe('dispatchRequest', () => {
  it('hands the handler the connection id, role, transport and session, and the checked arguments', async () => {
    const { table, calls } = recordingTable();
    const session = fakeSession();
    const call: CallContext = { connectionId: 'c3', role: 'compute', transport: 'electron', session };
    expect(await dispatchRequest(table, call, 'compute:input', { agentId: 'a1', taskId: 't1' })).toEqual({ result: 'compute:input' });
    expect(calls).toHaveLength(1);
    expect(calls[0].channel).toBe('compute:input');
    expect(calls[0].call).toEqual({ connectionId: 'c3', role: 'compute', transport: 'electron', session });
    expect(calls[0].call.session).toBe(session);
    expect(calls[0].args).toEqual({ agentId: 'a1', taskId: 't1' });
  });

  it('refuses a compute connection every channel but compute:*, without calling a handler', async () => {
    const { table, calls } = recordingTable();
    const call: CallContext = { connectionId: 'c4', role: 'compute', transport: 'http', session: fakeSession() };
    const requests: [string, unknown][] = [
      ['app:info', {}],
      ['session:get', {}],
      ['file:close', { kind: 'label' }],
      ['run:maps', { runId: 'r1' }],
      ['sweep:summary', { sweepId: 'w1' }],
      ['job:cancel', { jobId: 'j1' }],
    ];
    for (const [channel, args] of requests) {
      expect(await dispatchRequest(table, call, channel, args), channel).toEqual({ error: { code: 'forbidden', message: `${channel}: a compute page may call the compute:* channels only` } });
    }
    expect(calls).toEqual([]);
    // A ui connection may call them.
    const ui: CallContext = { ...call, role: 'ui' };
    expect(await dispatchRequest(table, ui, 'file:close', { kind: 'label' })).toEqual({ result: 'file:close' });
    expect(calls.map((c) => c.call.role)).toEqual(['ui']);
  });

  it('checks the channel and its arguments first; a failure comes back as an error envelope', async () => {
    const { table, calls } = recordingTable();
    const call: CallContext = { connectionId: 'c5', role: 'ui', transport: 'http', session: fakeSession() };
    expect(await dispatchRequest(table, call, 'file:close', { kind: 'image' })).toEqual({ error: { code: 'bad-request', message: 'file:close: kind must be one of label, model, got "image"' } });
    expect(await dispatchRequest(table, call, 'file:delete', {})).toEqual({ error: { code: 'bad-request', message: 'unknown request channel "file:delete"' } });
    expect(calls).toEqual([]);
    const failing = { ...table, 'session:get': async () => Promise.reject(fail('precondition', 'session:get: no image is open')) };
    expect(await dispatchRequest(failing, call, 'session:get', {})).toEqual({ error: { code: 'precondition', message: 'session:get: no image is open' } });
  });

  it("waits for the session's first files before calling the handler", async () => {
    const { table, calls } = recordingTable();
    let open!: () => void;
    const session = fakeSession(new Promise<void>((r) => (open = r)));
    const answer = dispatchRequest(table, { connectionId: 'c6', role: 'ui', transport: 'http', session }, 'session:get', {});
    for (let i = 0; i < 5; i++) await Promise.resolve();
    expect(calls).toEqual([]);
    open();
    expect(await answer).toEqual({ result: 'session:get' });
    expect(calls.map((c) => c.channel)).toEqual(['session:get']);
  });
});

describe('requestHandlers', () => {
  it('answers every channel of the contract, and nothing else', () => {
    // The builders only take what they use from the host when a request comes.
    const handlers = requestHandlers({} as HostContext);
    expect(Object.keys(handlers).sort()).toEqual([...REQUEST_CHANNELS].sort());
    for (const ch of REQUEST_CHANNELS) expect(typeof handlers[ch], ch).toBe('function');
  });
});

describe('a compute connection of a service host', () => {
  it('shares its ui page session, may call compute:* only, and app:info names the transport', async () => {
    const projectDir = mkdtempSync(join(tmpdir(), 'patchlens-dispatch-'));
    const host = await createServiceHost({ projectDir, transport: 'http', log: () => undefined, compute: 'node' });
    try {
      const ui = host.connect({ role: 'ui' });
      const compute = host.connect({ role: 'compute', computeFor: ui });
      expect(compute.session.id).toBe(ui.session.id);
      expect(compute.id).not.toBe(ui.id);
      expect(errorOf(await compute.handle('session:get', {}))).toEqual({ code: 'forbidden', message: 'session:get: a compute page may call the compute:* channels only' });
      expect(errorOf(await compute.handle('file:close', { kind: 'label' })).code).toBe('forbidden');
      // compute:* reaches its handler (which names the agent it does not know).
      expect(errorOf(await compute.handle('compute:input', { agentId: 'a1', taskId: 't1' })).code).not.toBe('forbidden');
      expect(result<{ transport: string }>(await ui.handle('app:info', {})).transport).toBe('http');
      expect(host.connections()).toBe(2);
    } finally {
      await host.close();
      rmSync(projectDir, { recursive: true, force: true });
    }
  });
});
