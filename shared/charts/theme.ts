/**
 * How a surface draws the shared charts: sizes, ink and paper, and what paper needs that a
 * screen does not. The marks, scales and data are the same on both surfaces; only these differ.
 */
export interface ChartTheme {
  name: 'screen' | 'print';
  /** Width of the trade-off, time model and profile charts, CSS px. */
  width: number;
  /** Heights of the charts, px. */
  heights: { diceTime: number; overlapTime: number; timeModel: number; profile: number };
  /** Plot's `style` (background, text colour, font size). */
  style: Record<string, string>;
  /** Colour of lines that are not data (the Pareto step line, rings, frames). */
  ink: string;
  /** Colour of the recommendation's star and label. */
  accent: string;
  /**
   * Whether the trade-off charts give each placement its own symbol. Paper: yes, a second channel
   * that survives a greyscale print. Screen: plain circles (the tooltip names the placement).
   */
  placementSymbols: boolean;
  /** Width of one heatmap panel and of the colour bar, px. */
  heatmapWidth: number;
  colourBarWidth: number;
  /** Colour bar steps. */
  colourBarBins: number;
  /**
   * Slices up to this many positions are drawn as vector rectangles; larger ones as one image
   * with one pixel per position. Paper: 32 × 32 (vector cells are ~100 bytes each in the PDF; a
   * 128² slice as an image is ~20 kB instead of ~1.6 MB). Screen: 64 × 64 (the DOM copes).
   */
  vectorCellLimit: number;
  /** Stroke width of same-colour cell outlines (closes the seams viewers draw between abutting rectangles). */
  cellStroke: number;
}

/** Categorical colours (Tableau 10), in order. */
export const PALETTE = ['#4e79a7', '#f28e2c', '#e15759', '#76b7b2', '#59a14f', '#edc949', '#af7aa1', '#ff9da7', '#9c755f', '#bab0ab'] as const;

/** The explorer's theme: transparent paper, text in the page's colour. */
export const SCREEN_THEME: ChartTheme = {
  name: 'screen',
  width: 560,
  heights: { diceTime: 280, overlapTime: 260, timeModel: 260, profile: 220 },
  style: { background: 'transparent', fontSize: '11px' },
  ink: 'currentColor',
  accent: '#d62728',
  placementSymbols: false,
  heatmapWidth: 360,
  colourBarWidth: 360,
  colourBarBins: 64,
  vectorCellLimit: 64 * 64,
  cellStroke: 0.5,
};

/** The report's theme: white paper, dark ink; 680 px is an A4 page less 2 × 14 mm margins. */
export const PRINT_THEME: ChartTheme = {
  name: 'print',
  width: 680,
  heights: { diceTime: 290, overlapTime: 270, timeModel: 250, profile: 280 },
  style: { background: 'white', color: '#222', fontSize: '11px' },
  ink: '#111',
  accent: '#d62728',
  placementSymbols: true,
  heatmapWidth: 380,
  colourBarWidth: 420,
  colourBarBins: 96,
  vectorCellLimit: 32 * 32,
  cellStroke: 0.6,
};
