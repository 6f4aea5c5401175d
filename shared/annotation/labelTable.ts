/**
 * The label table of a reference label map: what each voxel value means (name, colour) and how
 * the editor treats it (locked, visible). Value 0 is the background and is always present.
 */
import { describe } from '../util/validate';
import { LABEL_DATATYPES, labelDatatypeOf, type LabelArray, type LabelDatatype } from './labelGrid';

/** An RGB colour, three integers in [0, 255]. */
export type Rgb = [number, number, number];

/** One label of a {@link LabelTable}. */
export interface LabelEntry {
  /** The voxel value (0 = background). */
  value: number;
  /** What the label is (non-empty). */
  name: string;
  /** Display colour. */
  colour: Rgb;
  /**
   * A locked label's voxels are frozen: no tool overwrites or erases them, and no tool paints
   * the label onto other voxels (see `EditHistory.apply`). Undo and redo are not tools: they
   * restore the recorded state exactly, locks or not.
   */
  locked: boolean;
  /** Whether the viewer draws the label (hiding never changes voxels). */
  visible: boolean;
}

/** A model's output class, as in `ModelSpec.classes` (background first). */
export interface ClassLike {
  name: string;
  color?: readonly number[];
}

/**
 * Colours for labels 1, 2, … that a file or model did not give (cycled beyond twelve): the
 * first ones are 3D Slicer's generic anatomy colours, easy to tell apart on grey MRI.
 */
export const DEFAULT_LABEL_COLOURS: readonly Rgb[] = [
  [128, 174, 128],
  [241, 214, 145],
  [177, 122, 101],
  [111, 184, 210],
  [216, 101, 79],
  [221, 130, 101],
  [144, 238, 144],
  [192, 104, 88],
  [220, 245, 20],
  [78, 63, 0],
  [255, 250, 220],
  [230, 220, 70],
];

/** The JSON form of a label table (what `toJSON` writes and `fromJSON` reads). */
export interface LabelTableJSON {
  datatype: LabelDatatype;
  labels: LabelEntry[];
}

/** The default colour of label `value` (black for the background). */
export function defaultColour(value: number): Rgb {
  if (value === 0) return [0, 0, 0];
  return [...DEFAULT_LABEL_COLOURS[(value - 1) % DEFAULT_LABEL_COLOURS.length]] as Rgb;
}

function checkName(fn: string, name: unknown): string {
  if (typeof name !== 'string' || name.trim() === '') {
    throw new RangeError(`${fn}: a label name must be a non-empty string, got ${describe(name)}`);
  }
  return name.trim();
}

function checkColour(fn: string, colour: unknown): Rgb {
  if (!Array.isArray(colour) || colour.length !== 3 || !colour.every((c) => Number.isInteger(c) && c >= 0 && c <= 255)) {
    throw new RangeError(`${fn}: a colour must be three integers [r, g, b] in [0, 255], got ${describe(colour)}`);
  }
  return [colour[0], colour[1], colour[2]];
}

/**
 * A reference's labels, keyed by voxel value. Every change is validated and names what was
 * wrong; entries handed out are copies, so the table changes only through its methods.
 */
export class LabelTable {
  /** The label map's datatype: it bounds the values (uint8: 0–255, uint16: 0–65535). */
  readonly datatype: LabelDatatype;
  private readonly byValue = new Map<number, LabelEntry>();

  /**
   * @param entries the labels; a missing background (0) is added as "background"
   * @throws on a duplicate value, a value outside the datatype, an empty name or a bad colour
   */
  constructor(datatype: LabelDatatype = 'uint8', entries: readonly Partial<LabelEntry>[] = []) {
    if (!(datatype in LABEL_DATATYPES)) {
      throw new RangeError(`LabelTable: datatype must be 'uint8' or 'uint16', got ${describe(datatype)}`);
    }
    this.datatype = datatype;
    for (const e of entries) {
      if (this.byValue.has(e.value as number)) {
        throw new RangeError(`LabelTable: label value ${e.value} appears twice (names ${describe(this.byValue.get(e.value as number)?.name)} and ${describe(e.name)})`);
      }
      this.insert('LabelTable', e);
    }
    if (!this.byValue.has(0)) this.insert('LabelTable', { value: 0, name: 'background' });
  }

  /**
   * A table from a model's output classes: class `c` is value `c`, with the class's name and
   * colour (class 0 is the background).
   * @param datatype default: uint8 when the classes fit, else uint16
   */
  static fromClasses(classes: readonly ClassLike[], datatype?: LabelDatatype): LabelTable {
    if (!Array.isArray(classes) || classes.length === 0) {
      throw new RangeError(`LabelTable.fromClasses: classes must be a non-empty array (background first), got ${describe(classes)}`);
    }
    const type = datatype ?? (classes.length - 1 <= LABEL_DATATYPES.uint8 ? 'uint8' : 'uint16');
    return new LabelTable(
      type,
      classes.map((c, value) => ({ value, name: c?.name, colour: c?.color ? (Array.from(c.color) as Rgb) : undefined })),
    );
  }

  /**
   * A table of the values present in a label map (0 always), named "label N" unless `names`
   * says otherwise, with default colours.
   */
  static fromValues(labels: LabelArray, names: Readonly<Record<number, string>> = {}): LabelTable {
    const datatype = labelDatatypeOf(labels);
    const seen = new Uint8Array(LABEL_DATATYPES[datatype] + 1);
    for (let k = 0; k < labels.length; k++) seen[labels[k]] = 1;
    const entries: Partial<LabelEntry>[] = [];
    for (let v = 0; v < seen.length; v++) {
      if (seen[v] || v === 0) entries.push({ value: v, name: names[v] ?? (v === 0 ? 'background' : `label ${v}`) });
    }
    return new LabelTable(datatype, entries);
  }

  /** A table from its JSON form (validated like the constructor). */
  static fromJSON(json: LabelTableJSON): LabelTable {
    if (!json || !Array.isArray(json.labels)) {
      throw new RangeError(`LabelTable.fromJSON: expected { datatype, labels: [...] }, got ${describe(json)}`);
    }
    return new LabelTable(json.datatype, json.labels);
  }

  /** The largest value the datatype holds. */
  get maxValue(): number {
    return LABEL_DATATYPES[this.datatype];
  }

  /** Every label, sorted by value (copies). */
  entries(): LabelEntry[] {
    return [...this.byValue.values()].sort((a, b) => a.value - b.value).map(copy);
  }

  /** The label of `value` (a copy), or undefined. */
  get(value: number): LabelEntry | undefined {
    const e = this.byValue.get(value);
    return e && copy(e);
  }

  /** Whether `value` has a label. */
  has(value: number): boolean {
    return this.byValue.has(value);
  }

  /** Whether `value` is a locked label (values without a label are not locked). */
  isLocked(value: number): boolean {
    return this.byValue.get(value)?.locked === true;
  }

  /** The values of the locked labels, ascending (what `EditHistory` enforces). */
  lockedValues(): number[] {
    return this.entries().filter((e) => e.locked).map((e) => e.value);
  }

  /** The smallest value ≥ 1 without a label (what `add` uses when no value is given). */
  nextFreeValue(): number {
    for (let v = 1; v <= this.maxValue; v++) if (!this.byValue.has(v)) return v;
    throw new RangeError(`LabelTable: every value of ${this.datatype} (1–${this.maxValue}) has a label already`);
  }

  /**
   * Adds a label.
   * @param entry `value` defaults to {@link nextFreeValue}, `colour` to {@link defaultColour}
   * @returns the new label
   */
  add(entry: Partial<LabelEntry> & { name: string }): LabelEntry {
    const value = entry.value ?? this.nextFreeValue();
    if (this.byValue.has(value)) {
      throw new RangeError(`LabelTable.add: label value ${value} exists already (${describe(this.byValue.get(value)?.name)})`);
    }
    return copy(this.insert('LabelTable.add', { ...entry, value }));
  }

  /** Renames label `value`. */
  rename(value: number, name: string): void {
    this.entry('LabelTable.rename', value).name = checkName('LabelTable.rename', name);
  }

  /** Sets label `value`'s colour. */
  recolour(value: number, colour: Rgb): void {
    this.entry('LabelTable.recolour', value).colour = checkColour('LabelTable.recolour', colour);
  }

  /**
   * Locks or unlocks label `value`. The background cannot be locked: erasing writes 0, so a
   * locked background would make every erase impossible.
   */
  setLocked(value: number, locked: boolean): void {
    if (value === 0 && locked) throw new RangeError('LabelTable.setLocked: the background (0) cannot be locked');
    this.entry('LabelTable.setLocked', value).locked = locked === true;
  }

  /** Shows or hides label `value`. */
  setVisible(value: number, visible: boolean): void {
    this.entry('LabelTable.setVisible', value).visible = visible === true;
  }

  /** The JSON form (a copy). */
  toJSON(): LabelTableJSON {
    return { datatype: this.datatype, labels: this.entries() };
  }

  private entry(fn: string, value: number): LabelEntry {
    const e = this.byValue.get(value);
    if (!e) throw new RangeError(`${fn}: no label has value ${describe(value)}`);
    return e;
  }

  private insert(fn: string, e: Partial<LabelEntry>): LabelEntry {
    const value = e.value;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > this.maxValue) {
      throw new RangeError(`${fn}: label value must be an integer in [0, ${this.maxValue}] for ${this.datatype}, got ${describe(value)}`);
    }
    if (value === 0 && e.locked) throw new RangeError(`${fn}: the background (0) cannot be locked`);
    const entry: LabelEntry = {
      value,
      name: checkName(fn, e.name),
      colour: e.colour === undefined ? defaultColour(value) : checkColour(fn, e.colour),
      locked: e.locked === true,
      visible: e.visible !== false,
    };
    this.byValue.set(value, entry);
    return entry;
  }
}

function copy(e: LabelEntry): LabelEntry {
  return { ...e, colour: [...e.colour] as Rgb };
}
