import { Enums } from '@cornerstonejs/core';

/**
 * Runs `change` (which sets volumes, styles or cameras), asks for a render, and resolves once
 * every element has fired cornerstone's IMAGE_RENDERED (or after `timeoutMs`, so a view that
 * never renders cannot hang the viewer).
 */
export async function renderAndWait(elements: readonly HTMLElement[], change: () => void | Promise<void>, render: () => void, timeoutMs = 5000): Promise<void> {
  const seen = new Set<HTMLElement>();
  let done!: () => void;
  const all = new Promise<void>((ok) => (done = ok));
  const listener = (e: Event) => {
    seen.add(e.currentTarget as HTMLElement);
    if (seen.size === elements.length) done();
  };
  for (const el of elements) el.addEventListener(Enums.Events.IMAGE_RENDERED, listener);
  try {
    await change();
    render();
    await Promise.race([all, new Promise((ok) => setTimeout(ok, timeoutMs))]);
  } finally {
    for (const el of elements) el.removeEventListener(Enums.Events.IMAGE_RENDERED, listener);
  }
}
