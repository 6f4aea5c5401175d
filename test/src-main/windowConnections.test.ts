import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import type { EventName, Events } from '../../shared/api/contract';
import type { ServiceConnection } from '../../src-node/app/serviceHost';
import { createWindowConnections, type ConnectionContents } from '../../src-main/windowConnections';

const PAGE = 'app://patchlens/index.html';
const COMPUTE = 'app://patchlens/compute.html';

type Listener = <E extends EventName>(event: E, payload: Events[E]) => void;

/** A fake connection: records close(mode); `emit` plays an event of the services for this connection. */
class FakeConnection implements ServiceConnection {
  static next = 1;
  readonly id = `c${FakeConnection.next++}`;
  readonly session = { id: `s-${this.id}`, key: `k-${this.id}`, resumed: false };
  closed: ('closed' | 'lost' | undefined)[] = [];
  listeners = new Set<Listener>();
  constructor(readonly previous: ServiceConnection | null) {}
  handle() {
    return Promise.resolve({ result: this.id });
  }
  subscribe(l: Listener) {
    this.listeners.add(l);
    return () => void this.listeners.delete(l);
  }
  messageAllowance() {
    return null;
  }
  close(mode?: 'closed' | 'lost') {
    this.closed.push(mode);
  }
  emit<E extends EventName>(event: E, payload: Events[E]) {
    for (const l of this.listeners) l(event, payload);
  }
}

/** A fake web contents on `url`: records what was sent to it. */
class FakeContents extends EventEmitter implements ConnectionContents {
  destroyed = false;
  sent: [string, unknown][] = [];
  constructor(public url: string) {
    super();
  }
  isDestroyed() {
    return this.destroyed;
  }
  getURL() {
    return this.url;
  }
  send(channel: string, payload: unknown) {
    this.sent.push([channel, payload]);
  }
  navigate(url: string) {
    this.url = url;
    this.emit('did-navigate', {}, url);
  }
  destroy() {
    this.destroyed = true;
    this.emit('destroyed');
  }
}

function setup() {
  const log: string[] = [];
  const made: FakeConnection[] = [];
  const registry = createWindowConnections((m) => log.push(m));
  const connect = (previous: ServiceConnection | null) => {
    const c = new FakeConnection(previous);
    made.push(c);
    return c;
  };
  return { registry, made, connect, log };
}

describe('createWindowConnections', () => {
  it("gives every web contents its own connection, and a connection's events reach only its own contents", () => {
    const { registry, connect } = setup();
    const main = new FakeContents(PAGE);
    const compute = new FakeContents(COMPUTE);
    const a = registry.bind(main, { pageUrl: PAGE, connect }) as FakeConnection;
    const b = registry.bind(compute, { pageUrl: COMPUTE, connect, events: ['compute:task', 'compute:cancel'] }) as FakeConnection;
    expect(a).not.toBe(b);
    expect([registry.of(main), registry.of(compute), registry.of({}), registry.size]).toEqual([a, b, null, 2]);

    a.emit('session:changed', { project: 'a' } as never);
    b.emit('compute:task', { agentId: 'x', taskId: 't1' });
    // The compute window gets only compute:* events, even from its own connection.
    b.emit('session:changed', { project: 'b' } as never);
    b.emit('app:command', { command: 'open-demo' });
    expect(main.sent).toEqual([['session:changed', { project: 'a' }]]);
    expect(compute.sent).toEqual([['compute:task', { agentId: 'x', taskId: 't1' }]]);
    expect(() => registry.bind(main, { pageUrl: PAGE, connect })).toThrow(/WindowConnections.bind: this web contents is served already/);
  });

  it('sends nothing while the contents shows another page or is destroyed', () => {
    const { registry, connect } = setup();
    const main = new FakeContents(PAGE);
    const a = registry.bind(main, { pageUrl: PAGE, connect }) as FakeConnection;
    main.url = 'https://evil.example/';
    a.emit('app:command', { command: 'open-demo' });
    main.url = `${PAGE}#/explorer`;
    a.emit('app:command', { command: 'run-sweep' });
    main.destroyed = true;
    a.emit('app:command', { command: 'reset-view' });
    expect(main.sent).toEqual([['app:command', { command: 'run-sweep' }]]);
  });

  it('closes the connection for good when the contents is destroyed or its renderer is gone', () => {
    const { registry, connect } = setup();
    const closedWindow = new FakeContents(PAGE);
    const crashed = new FakeContents(COMPUTE);
    const a = registry.bind(closedWindow, { pageUrl: PAGE, connect }) as FakeConnection;
    const b = registry.bind(crashed, { pageUrl: COMPUTE, connect }) as FakeConnection;
    closedWindow.destroy();
    crashed.emit('render-process-gone', {}, { reason: 'crashed', exitCode: 1 });
    expect([a.closed, b.closed]).toEqual([['closed'], ['closed']]);
    expect([registry.of(closedWindow), registry.of(crashed), registry.size]).toEqual([null, null, 0]);
    // Unsubscribed: nothing more reaches the contents.
    a.emit('app:command', { command: 'open-demo' });
    expect(closedWindow.sent).toEqual([]);
    // Destroyed after the crash: closed once only.
    crashed.destroy();
    expect(b.closed).toEqual(['closed']);
  });

  it('keeps the connection over the first document; a reload closes it as lost and resumes from it', () => {
    const { registry, made, connect } = setup();
    const main = new FakeContents('');
    const replaced: ServiceConnection[] = [];
    const first = registry.bind(main, { pageUrl: PAGE, connect, onReplaced: (c) => replaced.push(c) }) as FakeConnection;
    main.navigate(PAGE); // the load the connection was opened for
    expect([made.length, first.closed, replaced]).toEqual([1, [], []]);

    main.navigate(PAGE); // a reload: a new document
    const second = registry.of(main) as FakeConnection;
    expect(second).not.toBe(first);
    expect(first.closed).toEqual(['lost']);
    expect(second.previous).toBe(first);
    expect(replaced).toEqual([second]);
    first.emit('app:command', { command: 'open-demo' });
    second.emit('app:command', { command: 'run-sweep' });
    expect(main.sent).toEqual([['app:command', { command: 'run-sweep' }]]);
  });

  it('a navigation away closes the connection for good; after a crash a reload gets a fresh session', () => {
    const { registry, made, connect } = setup();
    const main = new FakeContents('');
    const first = registry.bind(main, { pageUrl: PAGE, connect }) as FakeConnection;
    main.navigate(PAGE);
    main.navigate('https://evil.example/');
    expect([first.closed, registry.of(main), made.length]).toEqual([['closed'], null, 1]);

    const other = new FakeContents('');
    const c = registry.bind(other, { pageUrl: PAGE, connect }) as FakeConnection;
    other.navigate(PAGE);
    other.emit('render-process-gone', {}, { reason: 'oom', exitCode: 1 });
    other.navigate(PAGE);
    const fresh = registry.of(other) as FakeConnection;
    expect(c.closed).toEqual(['closed']);
    expect(fresh).not.toBe(c);
    expect(fresh.previous).toBeNull();
  });

  it('a failing connect leaves the contents without a connection and says why', () => {
    const { registry, log } = setup();
    const main = new FakeContents(PAGE);
    const got = registry.bind(main, {
      pageUrl: PAGE,
      connect: () => {
        throw new Error('forbidden: 8 pages are connected already');
      },
    });
    expect([got, registry.of(main), registry.size]).toEqual([null, null, 0]);
    expect(log).toEqual([`PatchLens: cannot connect ${PAGE} to the services: forbidden: 8 pages are connected already`]);
  });
});
