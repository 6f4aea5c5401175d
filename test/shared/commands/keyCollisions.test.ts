import { describe, expect, it } from 'vitest';
import { COMMANDS, parseAccelerator, type CommandId } from '../../../shared/commands';
import { VIEWER_KEYS } from '../../../src-renderer/viewer/model/shortcuts';

/** A binding as a key event sees it: the key (lower case), CmdOrCtrl, Shift. */
const bindingOf = (accelerator: string) => {
  const b = parseAccelerator(accelerator);
  return `${b.mod ? 'mod+' : ''}${b.shift ? 'shift+' : ''}${b.key}`;
};

describe('key bindings never collide (issue 14)', () => {
  const bound = COMMANDS.filter((c) => c.accelerator).map((c) => ({ id: c.id, binding: bindingOf(c.accelerator!) }));

  it('no two commands share a key event (case-insensitive, modifiers included)', () => {
    const seen = new Map<string, CommandId>();
    for (const { id, binding } of bound) {
      expect(seen.get(binding), `${id} and ${seen.get(binding)} both bind ${binding}`).toBeUndefined();
      seen.set(binding, id);
    }
  });

  it("no command takes a key the viewer handles itself, the palette's or the help overlay's", () => {
    const viewer = new Set(VIEWER_KEYS.map((k) => k.toLowerCase()));
    for (const { id, binding } of bound) expect(viewer.has(binding), `${id} binds the viewer's ${binding}`).toBe(false);
    const reserved = ['mod+shift+p', '?', 'shift+?'];
    for (const { id, binding } of bound) expect(reserved, id).not.toContain(binding);
  });

  it('annotation keys are the ones OHIF, 3D Slicer and ITK-SNAP users expect', () => {
    const key = (id: CommandId) => COMMANDS.find((c) => c.id === id)?.accelerator;
    expect(key('undo-edit')).toBe('CmdOrCtrl+Z');
    expect(key('redo-edit')).toBe('CmdOrCtrl+Shift+Z');
    expect(key('brush-smaller')).toBe('[');
    expect(key('brush-larger')).toBe(']');
    for (let n = 1; n <= 9; n++) expect(key(`label-${n}` as CommandId)).toBe(String(n));
    expect(key('save-annotation')).toBe('CmdOrCtrl+S');
  });
});
