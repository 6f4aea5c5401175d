import type * as Plot from '@observablehq/plot';

/**
 * The document a chart draws with: the page's in the explorer, jsdom's in the report and in
 * tests. shared/ has no DOM library and no DOM globals: the type is Plot's own `document`
 * option, and every builder takes the document as a parameter.
 */
export type ChartDocument = NonNullable<Plot.PlotOptions['document']>;

/** What a chart builder returns: Plot's element (an `<svg>`, or a `<figure>` when it has a legend). */
export type ChartElement = ReturnType<typeof Plot.plot>;
