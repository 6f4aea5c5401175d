// LabelTable (issue 14): names, colours, locks and visibility of a reference's labels, from a
// model's classes or from the values present, with errors that say what was wrong.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { LabelTable, defaultColour } from '../../../shared/annotation/labelTable';
import { readNifti } from '../../../shared/io/nifti';

describe('LabelTable', () => {
  it('from a model spec\'s classes: value = class index, names and colours kept, uint8', () => {
    const t = LabelTable.fromClasses([
      { name: 'background', color: [0, 0, 0] },
      { name: 'white matter', color: [255, 255, 255] },
      { name: 'gray matter', color: [128, 128, 128] },
    ]);
    expect(t.datatype).toBe('uint8');
    expect(t.entries()).toEqual([
      { value: 0, name: 'background', colour: [0, 0, 0], locked: false, visible: true },
      { value: 1, name: 'white matter', colour: [255, 255, 255], locked: false, visible: true },
      { value: 2, name: 'gray matter', colour: [128, 128, 128], locked: false, visible: true },
    ]);
    expect(LabelTable.fromClasses(Array.from({ length: 300 }, (_, k) => ({ name: `c${k}` }))).datatype).toBe('uint16');
  });

  it('from the values present in the demo brain mask (0 and 1)', () => {
    const brain = readNifti(readFileSync('demo/data/ch2-2mm_brain.nii.gz'));
    const t = LabelTable.fromValues(brain.data as Uint8Array, { 1: 'brain' });
    expect(t.entries().map((e) => [e.value, e.name, e.colour])).toEqual([
      [0, 'background', [0, 0, 0]],
      [1, 'brain', defaultColour(1)],
    ]);
    const sparse = LabelTable.fromValues(Uint16Array.of(0, 7, 7, 1000));
    expect(sparse.entries().map((e) => e.name)).toEqual(['background', 'label 7', 'label 1000']);
    expect(sparse.datatype).toBe('uint16');
  });

  it('add, rename, recolour, lock, hide; copies out; JSON round trip', () => {
    const t = new LabelTable();
    expect(t.entries().map((e) => e.value)).toEqual([0]);
    expect(t.add({ name: 'tumour' }).value).toBe(1);
    t.add({ value: 5, name: 'oedema', colour: [1, 2, 3] });
    expect(t.add({ name: 'necrosis' }).value).toBe(2);
    t.rename(1, '  tumour core ');
    t.recolour(1, [10, 20, 30]);
    t.setLocked(5, true);
    t.setVisible(2, false);
    t.get(1)!.name = 'changed outside'; // a copy: the table keeps its own
    expect(t.get(1)).toEqual({ value: 1, name: 'tumour core', colour: [10, 20, 30], locked: false, visible: true });
    expect(t.lockedValues()).toEqual([5]);
    expect(t.isLocked(5) && !t.isLocked(2) && !t.isLocked(99)).toBe(true);
    expect(t.get(2)?.visible).toBe(false);
    expect(LabelTable.fromJSON(JSON.parse(JSON.stringify(t))).entries()).toEqual(t.entries());
  });

  it.each([
    [() => new LabelTable('uint8', [{ value: 1, name: 'a' }, { value: 1, name: 'b' }]), 'LabelTable: label value 1 appears twice (names "a" and "b")'],
    [() => new LabelTable('uint8', [{ value: 256, name: 'a' }]), 'LabelTable: label value must be an integer in [0, 255] for uint8, got 256'],
    [() => new LabelTable('uint16', [{ value: 1.5, name: 'a' }]), 'label value must be an integer in [0, 65535] for uint16, got 1.5'],
    [() => new LabelTable('uint8', [{ value: 1, name: '  ' }]), 'LabelTable: a label name must be a non-empty string, got "  "'],
    [() => new LabelTable('int8' as never), "LabelTable: datatype must be 'uint8' or 'uint16', got \"int8\""],
    [() => new LabelTable().add({ value: 0, name: 'again' }), 'LabelTable.add: label value 0 exists already ("background")'],
    [() => new LabelTable().rename(3, 'x'), 'LabelTable.rename: no label has value 3'],
    [() => new LabelTable().recolour(0, [0, 0, 256]), 'LabelTable.recolour: a colour must be three integers [r, g, b] in [0, 255], got [0, 0, 256]'],
    [() => new LabelTable().setLocked(0, true), 'LabelTable.setLocked: the background (0) cannot be locked'],
    [() => LabelTable.fromClasses([]), 'LabelTable.fromClasses: classes must be a non-empty array (background first)'],
  ])('refuses bad input (%#)', (make, message) => {
    expect(make).toThrow(message);
  });

  it('says when every value of the datatype is taken', () => {
    const t = LabelTable.fromClasses(Array.from({ length: 256 }, (_, k) => ({ name: `c${k}` })));
    expect(() => t.add({ name: 'one more' })).toThrow('LabelTable: every value of uint8 (1–255) has a label already');
  });
});
