// @vitest-environment jsdom
/**
 * When a cornerstone tool's press ends: at cornerstone's own release events on a view (after
 * the tool's listeners, which may paint then: a click is run 400 ms after the mouseup), or by a
 * timer after the mouseup when none comes; a new press cancels the last one's timer.
 */
import { Enums as ToolsEnums } from '@cornerstonejs/tools';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { endPaintOnRelease } from '../../../src-renderer/annotation/paintRelease';

afterEach(() => vi.useRealTimers());

describe('endPaintOnRelease', () => {
  it('ends the press after the listeners of cornerstone\'s MOUSE_CLICK have run, not at the mouseup', async () => {
    const el = document.createElement('div');
    const order: string[] = [];
    const stop = endPaintOnRelease([el], { endPaint: () => order.push('end') });
    window.dispatchEvent(new MouseEvent('mouseup'));
    expect(order).toEqual([]);
    // The tool's listener is added at its press, after ours: it still runs first.
    el.addEventListener(ToolsEnums.Events.MOUSE_CLICK, () => order.push('tool paints'));
    el.dispatchEvent(new CustomEvent(ToolsEnums.Events.MOUSE_CLICK));
    expect(order).toEqual(['tool paints']);
    await Promise.resolve();
    expect(order).toEqual(['tool paints', 'end']);
    stop();
  });

  it('ends at MOUSE_UP (a drag) and MOUSE_DOUBLE_CLICK too', async () => {
    const el = document.createElement('div');
    let ends = 0;
    const stop = endPaintOnRelease([el], { endPaint: () => ends++ });
    el.dispatchEvent(new CustomEvent(ToolsEnums.Events.MOUSE_UP));
    el.dispatchEvent(new CustomEvent(ToolsEnums.Events.MOUSE_DOUBLE_CLICK));
    await Promise.resolve();
    expect(ends).toBe(2);
    stop();
  });

  it('ends by the timer when cornerstone sends no release, and a new press cancels the timer', () => {
    vi.useFakeTimers();
    const el = document.createElement('div');
    let ends = 0;
    const stop = endPaintOnRelease([el], { endPaint: () => ends++ }, 1000);
    window.dispatchEvent(new MouseEvent('mouseup'));
    vi.advanceTimersByTime(999);
    expect(ends).toBe(0);
    vi.advanceTimersByTime(1);
    expect(ends).toBe(1);
    window.dispatchEvent(new MouseEvent('mouseup'));
    window.dispatchEvent(new MouseEvent('mousedown'));
    vi.advanceTimersByTime(5000);
    expect(ends).toBe(1);
    stop();
    window.dispatchEvent(new MouseEvent('mouseup'));
    vi.advanceTimersByTime(5000);
    expect(ends).toBe(1);
  });
});
