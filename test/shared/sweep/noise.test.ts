import { describe, expect, it } from 'vitest';
import { compareDice, compareTimes, DICE_MIN_DIFFERENCE, describeDice, describeTime, t975, TIME_MIN_DIFFERENCE_FRACTION } from '../../../shared/sweep/noise';

describe('noise-aware comparisons (issue 12, item 3)', () => {
  it('t975 gives the 97.5 % quantile of Student t (tables: 12.706, 4.303, 2.776, 2.042; 1.984 at 100, 1.962 at 1000)', () => {
    expect(t975(1)).toBe(12.706);
    expect(t975(2)).toBe(4.303);
    expect(t975(4)).toBe(2.776);
    expect(t975(30)).toBe(2.042);
    expect(t975(40)).toBeCloseTo(2.021, 3);
    expect(t975(60)).toBeCloseTo(2.0, 3);
    expect(t975(100)).toBeCloseTo(1.984, 3);
    expect(t975(1000)).toBeCloseTo(1.962, 3);
    expect(() => t975(0)).toThrow(/^t975: degrees of freedom must be a positive integer, got 0/);
    expect(() => t975(1.5)).toThrow(/^t975:/);
  });

  it('the thresholds are the stated ones', () => {
    expect(DICE_MIN_DIFFERENCE).toBe(0.005);
    expect(TIME_MIN_DIFFERENCE_FRACTION).toBe(0.05);
  });

  it('overlapping timing ranges are "within noise" (the demo: four blends with the same 80 windows, 741–943 ms)', () => {
    const gaussian = [[741, 812, 943]];
    const constant = [[760, 790, 905]];
    const c = compareTimes(gaussian, constant);
    expect(c.verdict).toBe('within noise');
    expect(c.deltaMs).toBe(812 - 790);
    expect(c.a).toEqual({ medianMs: 812, minMs: 741, maxMs: 943 });
    expect(c.b).toEqual({ medianMs: 790, minMs: 760, maxMs: 905 });
    expect(describeTime(c)).toBe('within noise (741–943 ms vs 760–905 ms)');
  });

  it('non-overlapping ranges on every case stay "faster" / "slower", with the median difference', () => {
    const quick = [
      [740, 760, 780],
      [1500, 1520, 1550],
    ];
    const slow = [
      [1900, 2000, 2100],
      [3000, 3100, 3150],
    ];
    const c = compareTimes(quick, slow);
    expect(c.verdict).toBe('faster');
    expect(c.deltaMs).toBeCloseTo((760 + 1520) / 2 - (2000 + 3100) / 2, 9);
    expect(describeTime(c)).toBe('faster by 1.41 s (0.74–1.55 s vs 1.90–3.15 s)');
    expect(compareTimes(slow, quick).verdict).toBe('slower');
  });

  it('cases that disagree, or a gap of a few per cent, are "within noise"', () => {
    // A is faster on case 0 and slower on case 1.
    expect(compareTimes([[100, 101], [300, 301]], [[200, 201], [150, 151]]).verdict).toBe('within noise');
    // Apart, but only 2 % (non-overlapping by chance with tight repeats).
    expect(compareTimes([[1000, 1001, 1002]], [[1020, 1021, 1022]]).verdict).toBe('within noise');
    // A single run each, 20 % apart: a finding.
    expect(compareTimes([[800]], [[1000]]).verdict).toBe('faster');
  });

  it('compareTimes refuses unpaired or empty input with one line naming it', () => {
    expect(() => compareTimes([[1]], [[1], [2]])).toThrow(/^compareTimes: A has 1 case\(s\) and B 2/);
    expect(() => compareTimes([], [])).toThrow(/^compareTimes: A has no cases/);
    expect(() => compareTimes([[]], [[1]])).toThrow(/^compareTimes: A's case 0 has no timed runs/);
    expect(() => compareTimes([[1]], [[NaN]])).toThrow(/^compareTimes: B's case 0 has a time that is not a finite number/);
  });

  it('+0.0008 Dice over 3 cases with an interval that includes 0 is "no difference" (the demo report\'s "beats")', () => {
    const performance = [0.9312, 0.9015, 0.9221];
    const gaussian = [0.9291, 0.9022, 0.9211];
    const c = compareDice(performance, gaussian);
    expect(c.verdict).toBe('no difference');
    expect(c.delta).toBeCloseTo(0.0008, 10);
    expect(c.cases).toBe(3);
    // d = [0.0021, −0.0007, 0.0010]: sd = 0.0014107, half-width = 4.303 · sd / √3 = 0.0035046
    expect(c.ciLow!).toBeCloseTo(0.0008 - 0.0035046, 6);
    expect(c.ciHigh!).toBeCloseTo(0.0008 + 0.0035046, 6);
    expect(describeDice(c)).toBe('Dice +0.0008, no difference (95 % CI −0.0027…+0.0043 over 3 cases; below 0.005)');
  });

  it('a consistent difference above the threshold is "better" / "worse"; a large but inconsistent one is "no difference"', () => {
    const better = compareDice([0.95, 0.93, 0.94], [0.92, 0.905, 0.912]);
    expect(better.verdict).toBe('better');
    expect(better.ciLow!).toBeGreaterThan(0);
    expect(describeDice(better)).toMatch(/^Dice \+0\.0277, better \(95 % CI \+0\.\d{4}…\+0\.\d{4} over 3 cases\)$/);
    expect(compareDice([0.92, 0.905, 0.912], [0.95, 0.93, 0.94]).verdict).toBe('worse');
    // mean +0.02 but the two cases disagree in sign: the interval includes 0
    const mixed = compareDice([0.99, 0.85], [0.9, 0.9]);
    expect(mixed.delta).toBeCloseTo(0.02, 12);
    expect(mixed.verdict).toBe('no difference');
    // one case: the threshold alone decides, no interval
    const one = compareDice([0.93], [0.9]);
    expect(one).toEqual({ verdict: 'better', delta: expect.closeTo(0.03, 12), ciLow: null, ciHigh: null, cases: 1 });
    expect(describeDice(one)).toBe('Dice +0.0300, better (1 case)');
    expect(compareDice([0.903], [0.9]).verdict).toBe('no difference');
  });

  it('compareDice refuses unpaired, empty or non-finite input', () => {
    expect(() => compareDice([0.9], [0.9, 0.8])).toThrow(/^compareDice: A has 1 case\(s\) and B 2/);
    expect(() => compareDice([], [])).toThrow(/^compareDice: no cases/);
    expect(() => compareDice([NaN], [0.9])).toThrow(/^compareDice: a Dice is not a finite number/);
  });
});
