import { describe, expect, it } from 'vitest';
import { applyRule, DEFAULT_RULE, formatRule, paretoFront, parseRule, type RankRow } from '../../../shared/sweep/pareto';

// A hand-made table: time per case (ms) and mean Dice.
const table: RankRow[] = [
  { id: 'o0-constant', timeMs: 100, dice: 0.9, windows: 8 },
  { id: 'o0.25-constant', timeMs: 180, dice: 0.93, windows: 27 },
  { id: 'o0.25-gaussian', timeMs: 185, dice: 0.95, windows: 27 },
  { id: 'o0.5-constant', timeMs: 400, dice: 0.94, windows: 64 }, // dominated by o0.25-gaussian
  { id: 'o0.5-gaussian', timeMs: 410, dice: 0.953, windows: 64 },
  { id: 'o0.5-gaussian-tta', timeMs: 3200, dice: 0.954, windows: 64 },
  { id: 'o0-crop', timeMs: 100, dice: 0.9, windows: 8 }, // exact tie with o0-constant
  { id: 'o0-hann', timeMs: 120, dice: 0.85, windows: 8 }, // dominated
];

describe('Pareto front and selection rules', () => {
  it('marks the configurations no other beats on both time and Dice (exact ties stay)', () => {
    expect(paretoFront(table)).toEqual([true, true, true, false, true, true, true, false]);
    expect(paretoFront([])).toEqual([]);
  });

  it('default rule: the fastest within 0.5 % of the best measured Dice', () => {
    expect(formatRule(DEFAULT_RULE)).toBe('fastest-within:0.5%');
    const pick = applyRule(DEFAULT_RULE, table)!;
    // best 0.954 → floor 0.954·0.995 = 0.94923: o0.25-gaussian (0.95, 185 ms) is the fastest above it
    expect(table[pick.index].id).toBe('o0.25-gaussian');
    expect(pick.reason).toMatch(/Dice ≥ 0\.9492/);
  });

  it('parses and applies every rule', () => {
    const pickOf = (text: string) => {
      const p = applyRule(parseRule(text), table);
      return p ? table[p.index].id : null;
    };
    expect(pickOf('fastest-within:0.2%')).toBe('o0.5-gaussian'); // floor 0.952092
    expect(pickOf('fastest-within:0.1%')).toBe('o0.5-gaussian-tta'); // floor 0.953046 > 0.953
    expect(pickOf('fastest-within:0%')).toBe('o0.5-gaussian-tta');
    expect(pickOf('fastest-within:10%')).toBe('o0-constant'); // tie with o0-crop: the earlier row
    expect(pickOf('fastest-within-abs:0.03')).toBe('o0.25-constant'); // dice ≥ 0.924
    expect(pickOf('fastest-above:0.94')).toBe('o0.25-gaussian');
    expect(pickOf('fastest-above:0.99')).toBeNull();
    expect(pickOf('max-dice')).toBe('o0.5-gaussian-tta');
    expect(pickOf('max-efficiency')).toBe('o0-constant'); // 9 Dice/s, tie with o0-crop
    for (const t of ['fastest-within:0.5%', 'fastest-within-abs:0.01', 'fastest-above:0.9', 'max-efficiency', 'max-dice']) expect(formatRule(parseRule(t))).toBe(t);
    expect(() => parseRule('fastest-within:0.5')).toThrow(/relative tolerance in percent/);
    expect(() => parseRule('fastest-within:-1%')).toThrow(/percentage in \[0, 100\)/);
    expect(() => parseRule('cheapest')).toThrow(/unknown rule "cheapest"; rules: fastest-within/);
    expect(() => parseRule('fastest-above:2')).toThrow(/Dice in \[0, 1\]/);
  });

  it('ties: equal time → higher Dice → fewer windows → earlier row; custom rules', () => {
    const rows: RankRow[] = [
      { id: 'a', timeMs: 50, dice: 0.9, windows: 10 },
      { id: 'b', timeMs: 50, dice: 0.91, windows: 12 },
      { id: 'c', timeMs: 50, dice: 0.91, windows: 11 },
    ];
    expect(rows[applyRule(parseRule('fastest-within:5%'), rows)!.index].id).toBe('c');
    const custom = applyRule({ kind: 'custom', name: 'most-windows', select: (r) => r.reduce((best, x, i) => ((x.windows ?? 0) > (r[best].windows ?? 0) ? i : best), 0) }, rows)!;
    expect(rows[custom.index].id).toBe('b');
    expect(() => applyRule({ kind: 'custom', name: 'bad', select: () => 7 }, rows)).toThrow(/custom rule bad returned 7/);
    expect(applyRule(DEFAULT_RULE, [])).toBeNull();
  });
});
