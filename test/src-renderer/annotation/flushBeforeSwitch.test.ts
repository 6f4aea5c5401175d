/**
 * Opening another image closes main's annotation; an edit the page still has queued must reach
 * main before that request. The wrapped Api holds image-switching requests until the flush
 * resolves, and lets every other request through at once.
 */
import { describe, expect, it } from 'vitest';
import { flushBeforeImageSwitch, IMAGE_SWITCHING_CHANNELS } from '../../../src-renderer/annotation/flushBeforeSwitch';
import type { Api } from '../../../shared/api/transport';

function recordingApi(order: string[]): Api {
  return {
    transport: 'http',
    call: (async (channel: string) => {
      order.push(`call ${channel}`);
      return {};
    }) as Api['call'],
    on: () => () => {},
  };
}

describe('flushBeforeImageSwitch', () => {
  it('sends file:open and session:openDemo only after the queued edits are answered', async () => {
    const order: string[] = [];
    let release!: () => void;
    const edits = new Promise<void>((r) => (release = r));
    const api = flushBeforeImageSwitch(recordingApi(order), async () => {
      order.push('flush');
      await edits;
      order.push('edits answered');
    });
    const opening = api.call('file:open', { kind: 'image', source: { from: 'dialog' } });
    const other = api.call('annotation:edit', { diff: { indices: new Uint32Array(0), before: 0, after: 0 }, step: 's', imageKey: 'k' } as never);
    await other;
    // The edit went through at once; the open waits for the flush.
    expect(order).toEqual(['flush', 'call annotation:edit']);
    release();
    await opening;
    expect(order).toEqual(['flush', 'call annotation:edit', 'edits answered', 'call file:open']);
    await api.call('session:openDemo', {});
    expect(order.slice(-2)).toEqual(['edits answered', 'call session:openDemo']);
  });

  it('still opens the image when the flush fails (the failed edit reports itself)', async () => {
    const order: string[] = [];
    const api = flushBeforeImageSwitch(recordingApi(order), async () => {
      throw new Error('edit refused');
    });
    await api.call('file:open', { kind: 'image', source: { from: 'dialog' } });
    expect(order).toEqual(['call file:open']);
  });

  it('names the channels that can replace the open image', () => {
    expect([...IMAGE_SWITCHING_CHANNELS].sort()).toEqual(['file:open', 'session:openDemo']);
  });
});
