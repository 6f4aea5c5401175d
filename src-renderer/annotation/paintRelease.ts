/**
 * When a press that a cornerstone3D tool took has ended. cornerstone's mouse handling waits up
 * to 400 ms after a click to tell it from a double click, and only then runs the tool (a brush
 * click paints at that moment), so the browser's mouseup is too early. The press ends with
 * cornerstone's own MOUSE_UP / MOUSE_CLICK / MOUSE_DOUBLE_CLICK on the view, after the tool's
 * listeners have run (a microtask later); if none comes (the press never reached a tool), a
 * timer after the mouseup ends it.
 */
import { Enums as ToolsEnums } from '@cornerstonejs/tools';

/** What a viewer's annotation does at a press's start and end. */
export interface PaintPresses {
  endPaint(): void;
}

const RELEASE_EVENTS = [ToolsEnums.Events.MOUSE_UP, ToolsEnums.Events.MOUSE_CLICK, ToolsEnums.Events.MOUSE_DOUBLE_CLICK];
/** Longer than cornerstone's double-click wait (400 ms). */
const FALLBACK_MS = 1500;

/** Ends presses on the views' release events (returns the remover). */
export function endPaintOnRelease(elements: readonly HTMLElement[], presses: PaintPresses, fallbackMs = FALLBACK_MS): () => void {
  let timer: ReturnType<typeof setTimeout> | null = null;
  const end = () => {
    if (timer) clearTimeout(timer);
    timer = null;
    queueMicrotask(() => presses.endPaint());
  };
  const mouseUp = () => {
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = null;
      presses.endPaint();
    }, fallbackMs);
  };
  // A new press cancels the last one's timer (its begin has ended the last press already).
  const mouseDown = () => {
    if (timer) clearTimeout(timer);
    timer = null;
  };
  for (const el of elements) for (const name of RELEASE_EVENTS) el.addEventListener(name, end);
  window.addEventListener('mouseup', mouseUp);
  window.addEventListener('mousedown', mouseDown, true);
  return () => {
    if (timer) clearTimeout(timer);
    for (const el of elements) for (const name of RELEASE_EVENTS) el.removeEventListener(name, end);
    window.removeEventListener('mouseup', mouseUp);
    window.removeEventListener('mousedown', mouseDown, true);
  };
}
