// @vitest-environment jsdom
import { render } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import ColorBar from '../../src-renderer/viewer/ColorBar.svelte';

describe('ColorBar', () => {
  it('shows the range of a continuous colormap', () => {
    const { getByTestId } = render(ColorBar, { props: { colormap: 'hot', range: [0.05, 1.25], testid: 'cb' } });
    expect(getByTestId('cb-min').textContent).toBe('0.05');
    expect(getByTestId('cb-max').textContent).toBe('1.25');
    expect(getByTestId('cb').dataset.colormap).toBe('hot');
  });
});
