// @vitest-environment jsdom
/**
 * The views of the command registry: the command palette (Ctrl/Cmd+Shift+P), the shortcut help
 * overlay (`?`), the app's key handling, and a panel's form submitted by its command.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import CommandPalette from '../../../src-renderer/commands/CommandPalette.svelte';
import ShortcutHelp from '../../../src-renderer/commands/ShortcutHelp.svelte';
import RunPanel from '../../../src-renderer/jobs/RunPanel.svelte';
import { CommandService } from '../../../src-renderer/commands/commandService.svelte';
import { COMMANDS_CONTEXT } from '../../../src-renderer/commands/commandContext.svelte';
import { handleAppKey } from '../../../src-renderer/commands/appKeys';
import { filterCommands } from '../../../src-renderer/commands/filterCommands';
import { isTyping } from '../../../src-renderer/app/shortcuts';
import { demoImage, demoModel, fakeApi, makeSession } from '../fakeApi';
import { COMMAND_IDS, type CommandId } from '../../../shared/commands';

let ran: CommandId[] = [];
let jobActive = false;
let service: CommandService;
const onKey = (e: KeyboardEvent) => handleAppKey(e, service, { typing: isTyping(e.target), modifiedKeys: true });

beforeEach(() => {
  ran = [];
  jobActive = false;
  service = new CommandService({ jobActive: () => jobActive });
  for (const id of COMMAND_IDS) service.register(id, () => ran.push(id));
  window.addEventListener('keydown', onKey);
});

afterEach(() => {
  window.removeEventListener('keydown', onKey);
  cleanup();
});

describe('CommandService', () => {
  it('runs only enabled commands: registered, and their `when` holding', () => {
    expect(service.enabled('cancel-job')).toBe(false);
    expect(service.run('cancel-job')).toBe(false);
    jobActive = true;
    expect(service.run('cancel-job')).toBe(true);
    const bare = new CommandService();
    expect(bare.run('open-image')).toBe(false);
    const off = bare.register('open-image', () => ran.push('open-image'));
    expect(bare.run('open-image')).toBe(true);
    off();
    expect(bare.enabled('open-image')).toBe(false);
    expect(ran).toEqual(['cancel-job', 'open-image']);
    expect(() => bare.register('open-image', undefined as never)).toThrow(/CommandService.register: handler of open-image/);
  });

  it('maps keys to commands; single keys never while typing, modified ones only when the page owns them', () => {
    const e = (key: string, mods: Partial<KeyboardEventInit> = {}) => ({ key, ctrlKey: false, metaKey: false, shiftKey: false, altKey: false, ...mods });
    expect(service.commandForKey(e('Enter', { ctrlKey: true, shiftKey: true }), { typing: true, modifiedKeys: true })).toBe('run-sweep');
    expect(service.commandForKey(e('Enter', { ctrlKey: true, shiftKey: true }), { typing: false, modifiedKeys: false })).toBeNull();
    expect(service.commandForKey(e('h'), { typing: false, modifiedKeys: false })).toBe('toggle-heatmap');
    expect(service.commandForKey(e('h'), { typing: true, modifiedKeys: true })).toBeNull();
    expect(service.commandForKey(e('Escape'), { typing: false, modifiedKeys: false })).toBe('cancel-job');
  });

  it('names each command\'s shortcut from the registry (Cmd on macOS), empty when it has none', () => {
    expect(service.keyFor('run-sweep')).toBe('Ctrl+Shift+Enter');
    expect(service.keyFor('toggle-heatmap')).toBe('H');
    expect(service.keyFor('open-demo')).toBe('');
    expect(new CommandService(undefined, true).keyFor('show-viewer')).toBe('Cmd+1');
  });

  it('filters the enabled commands by every word of the query', () => {
    const labels = (q: string) => filterCommands(service.views(), q).map((v) => v.spec.label);
    expect(labels('run')).toEqual(['Run Inference', 'Run Sweep', 'Re-evaluate Run Against Edits']);
    expect(labels('open  lab')).toEqual(['Open Labels…']);
    expect(labels('cancel')).toEqual([]); // no job: not enabled
  });
});

describe('CommandPalette', () => {
  it('opens with Ctrl+Shift+P, filters, moves with the arrows and runs with Enter', async () => {
    render(CommandPalette, { props: { commands: service } });
    expect(screen.queryByTestId('command-palette')).toBeNull();
    await fireEvent.keyDown(window, { key: 'P', ctrlKey: true, shiftKey: true });
    const input = await screen.findByTestId('command-palette-input');
    await waitFor(() => expect(document.activeElement).toBe(input));
    const options = () => screen.getAllByRole('option').map((o) => o.textContent?.replace(/\s+/g, ' ').trim());
    expect(options()).toContain('Run Sweep Ctrl+Shift+Enter');
    expect(options()).not.toContain(expect.stringContaining('Cancel Job'));
    await fireEvent.input(input, { target: { value: 'run' } });
    expect(options()).toEqual(['Run Inference Ctrl+Enter', 'Run Sweep Ctrl+Shift+Enter', 'Re-evaluate Run Against Edits']);
    await fireEvent.keyDown(input, { key: 'ArrowDown' });
    expect(screen.getAllByRole('option')[1].getAttribute('aria-selected')).toBe('true');
    await fireEvent.keyDown(input, { key: 'Enter' });
    expect(ran).toEqual(['run-sweep']);
    expect(screen.queryByTestId('command-palette')).toBeNull();
  });

  it('closes with Esc without cancelling a job', async () => {
    jobActive = true;
    render(CommandPalette, { props: { commands: service } });
    service.paletteOpen = true;
    const input = await screen.findByTestId('command-palette-input');
    await fireEvent.keyDown(input, { key: 'Escape' });
    expect(screen.queryByTestId('command-palette')).toBeNull();
    expect(ran).toEqual([]);
  });
});

describe('ShortcutHelp', () => {
  it('opens with ?, lists the shortcuts of the registry, and closes with Esc', async () => {
    render(ShortcutHelp, { props: { commands: service } });
    await fireEvent.keyDown(window, { key: '?' });
    const help = await screen.findByTestId('shortcut-help');
    const rows = [...help.querySelectorAll('dt')].map((dt) => `${dt.textContent} ${dt.nextElementSibling?.textContent}`);
    expect(rows).toEqual(expect.arrayContaining(['Ctrl+O Open Image…', 'Ctrl+Shift+Enter Run Sweep', 'Escape Cancel Job', 'H Toggle Heatmap', 'R Reset View', 'Ctrl+Shift+P Command palette']));
    expect(rows.some((r) => r.includes('Open Demo'))).toBe(false); // no shortcut
    expect(rows).toEqual(expect.arrayContaining(['Ctrl+Z Undo Edit', 'Ctrl+Shift+Z Redo Edit', 'B Brush', '[ Smaller Brush', '3 Active Label 3']));
    expect(screen.getByTestId('shortcut-help-typing').textContent).toBe('Single keys (Escape H R F C B E T G S A N [ ] 1 2 3 4 5 6 7 8 9) do nothing while you type in a field.');
    await fireEvent.keyDown(window, { key: 'Escape' });
    expect(screen.queryByTestId('shortcut-help')).toBeNull();
    expect(ran).toEqual([]);
  });

  it('does not open while typing in a field', async () => {
    render(ShortcutHelp, { props: { commands: service } });
    const field = document.body.appendChild(document.createElement('input'));
    await fireEvent.keyDown(field, { key: '?' });
    await fireEvent.keyDown(field, { key: 'h' });
    expect(screen.queryByTestId('shortcut-help')).toBeNull();
    expect(ran).toEqual([]);
    field.remove();
  });
});

describe('a form submitted by its command', () => {
  it('Run Inference submits the run panel through the function it registered', async () => {
    const api = fakeApi({ 'run:start': () => ({ jobId: 'j7' }) });
    const commands = new CommandService();
    commands.register('run-inference', () => commands.submitForm('run-inference'));
    render(RunPanel, { props: { api, session: makeSession({ image: demoImage, model: demoModel }) }, context: new Map([[COMMANDS_CONTEXT, commands]]) });
    expect(commands.run('run-inference')).toBe(true);
    await waitFor(() => expect(screen.getByTestId('run-queued').textContent).toContain('j7'));
    expect(api.calls.map((c) => c.channel)).toEqual(['run:start']);
  });

  it('does nothing while the panel cannot run (no model), as its disabled button does', async () => {
    const api = fakeApi({ 'run:start': () => ({ jobId: 'j7' }) });
    const commands = new CommandService();
    render(RunPanel, { props: { api, session: makeSession({ image: demoImage }) }, context: new Map([[COMMANDS_CONTEXT, commands]]) });
    expect(commands.submitForm('run-inference')).toBe(true);
    await new Promise((r) => setTimeout(r, 0));
    expect(api.calls).toEqual([]);
  });
});
