// @vitest-environment jsdom
import { render } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import ColorBar from '../../../src-renderer/viewer/ColorBar.svelte';

describe('ColorBar', () => {
  it('shows the range of a continuous colormap', () => {
    const { getByTestId } = render(ColorBar, { props: { colormap: 'hot', range: [0.05, 1.25], testid: 'cb' } });
    expect(getByTestId('cb-min').textContent).toBe('0.05');
    expect(getByTestId('cb-max').textContent).toBe('1.25');
    expect(getByTestId('cb').dataset.colormap).toBe('hot');
  });
});

describe('ColorBar of labels', () => {
  it("shows each label in the model's class colour and name, as the viewer renders it", () => {
    const classes = [
      { name: 'background', color: [0, 0, 0] },
      { name: 'brain', color: [255, 170, 0] },
    ];
    const { getByTestId } = render(ColorBar, { props: { colormap: 'labels', range: [0, 1], testid: 'cb', classes } });
    const swatch = getByTestId('cb').querySelector('.swatch') as HTMLElement;
    expect(swatch.textContent).toBe('1');
    expect(swatch.title).toBe('brain');
    expect(swatch.style.background).toBe('rgb(255, 170, 0)');
  });

  it('falls back to the default palette without a model, and names the error colours', () => {
    const labels = render(ColorBar, { props: { colormap: 'labels', range: [0, 1], testid: 'a' } });
    expect((labels.getByTestId('a').querySelector('.swatch') as HTMLElement).title).toBe('1');
    const errors = render(ColorBar, { props: { colormap: 'errors', range: [0, 2], testid: 'e' } });
    const titles = [...errors.getByTestId('e').querySelectorAll('.swatch')].map((s) => (s as HTMLElement).title);
    expect(titles).toEqual(['false positive', 'false negative']);
  });
});
