import { describe, expect, it } from 'vitest';
import { COMMAND_IDS, COMMANDS, commandForKeyEvent, commandSpec, menuCommands, parseAccelerator, shortcutLabel, type KeyLike } from '../../../shared/commands';

const key = (k: string, mods: Partial<KeyLike> = {}): KeyLike => ({ key: k, ctrlKey: false, metaKey: false, shiftKey: false, altKey: false, ...mods });

describe('command registry', () => {
  it('has one entry per id, ids unique', () => {
    expect(new Set(COMMAND_IDS).size).toBe(COMMAND_IDS.length);
    expect(COMMANDS.map((c) => c.id).sort()).toEqual([...COMMAND_IDS].sort());
  });

  it('gives every accelerator to one command only, and registers only modified ones', () => {
    const accels = COMMANDS.flatMap((c) => (c.accelerator ? [c.accelerator] : []));
    expect(new Set(accels).size).toBe(accels.length);
    for (const c of COMMANDS) if (c.accelerator) expect(parseAccelerator(c.accelerator).mod, c.id).toBe(c.registerAccelerator);
    expect(COMMANDS.filter((c) => !c.registerAccelerator).map((c) => c.accelerator).sort()).toEqual(
      ['1', '2', '3', '4', '5', '6', '7', '8', '9', 'A', 'B', 'C', 'E', 'Escape', 'F', 'G', 'H', 'N', 'R', 'S', 'T', '[', ']'].sort(),
    );
  });

  it('orders the menus and finds entries', () => {
    expect(menuCommands('&Run').map((c) => c.id)).toEqual(['run-inference', 'run-sweep', 'reevaluate-run', 'cancel-job']);
    expect(commandSpec('cancel-job').when).toBe('jobActive');
    expect(() => commandSpec('nope' as never)).toThrow(/commandSpec: unknown command id nope/);
  });

  it('parses accelerators and names them for people', () => {
    expect(parseAccelerator('CmdOrCtrl+Shift+Enter')).toEqual({ key: 'enter', mod: true, shift: true });
    expect(parseAccelerator('H')).toEqual({ key: 'h', mod: false, shift: false });
    expect(() => parseAccelerator('Alt+X')).toThrow(/parseAccelerator: modifier "Alt"/);
    expect(shortcutLabel('CmdOrCtrl+Shift+M')).toBe('Ctrl+Shift+M');
    expect(shortcutLabel('CmdOrCtrl+1', true)).toBe('Cmd+1');
  });

  it('maps key events to commands', () => {
    expect(commandForKeyEvent(key('Enter', { ctrlKey: true, shiftKey: true }), 'modified')).toBe('run-sweep');
    expect(commandForKeyEvent(key('Enter', { metaKey: true }), 'modified')).toBe('run-inference');
    expect(commandForKeyEvent(key('h'), 'modified')).toBeNull();
    expect(commandForKeyEvent(key('h'), 'single')).toBe('toggle-heatmap');
    expect(commandForKeyEvent(key('Escape'), 'single')).toBe('cancel-job');
    expect(commandForKeyEvent(key('h', { ctrlKey: true }), 'single')).toBeNull();
    expect(commandForKeyEvent(key('o', { ctrlKey: true, altKey: true }), 'modified')).toBeNull();
  });
});
