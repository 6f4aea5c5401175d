import { describe, expect, it } from 'vitest';
import { configLabel, meanOverlap, patchText, perAxisText, seriesLabel } from '../../../shared/format/config';
import { diceText, pct, percent, seconds, secondsFixed, short, sig, signed, signedFixed } from '../../../shared/format/number';
import { asSentence, describeRule } from '../../../shared/format/text';

describe('shared number formatters (the explorer and the report print the same value the same way)', () => {
  it('rounds to significant digits, dropping or keeping trailing zeros', () => {
    expect([short(0.5), short(0.125), short(12.34), short(12000.4), short(null), short(NaN)]).toEqual(['0.5', '0.125', '12.3', '12000', '—', '—']);
    expect([sig(0.5), sig(12.34), sig(0), sig(0.000123456, 3), sig(Infinity)]).toEqual(['0.500', '12.3', '0', '0.000123', '—']);
  });
  it('prints times, Dice and percentages', () => {
    expect([seconds(7712), seconds(12000), seconds(undefined)]).toEqual(['7.71 s', '12 s', '—']);
    expect([secondsFixed(12000), secondsFixed(482), secondsFixed(12345, 4)]).toEqual(['12.0 s', '0.482 s', '12.35 s']);
    expect([diceText(0.93456), diceText(null)]).toEqual(['0.9346', '—']);
    expect([percent(0.031), pct(12.5), pct(12.5, 0)]).toEqual(['3.1 %', '12.5 %', '13 %']);
  });
  it('signs with a minus sign and never signs a rounded zero', () => {
    expect([signed(2, '2'), signed(-2, '-2'), signed(0, '0')]).toEqual(['+2', '−2', '0']);
    expect([signedFixed(0.00004, 4), signedFixed(-0.00004, 4), signedFixed(-0.0021, 4)]).toEqual(['0.0000', '0.0000', '−0.0021']);
  });
});

describe('shared configuration and text formatters', () => {
  const c = { patchSize: [64, 64, 32], overlap: [0.5, 0.5, 0.25], placement: 'even', blend: 'gaussian', mirror: true };
  it('describes a configuration', () => {
    expect(patchText([64, 64, 64])).toBe('64³');
    expect(patchText(c.patchSize)).toBe('64×64×32');
    expect(perAxisText([0.5, 0.5])).toBe('0.5');
    expect(meanOverlap(c)).toBeCloseTo(0.41667, 5);
    expect(configLabel(c)).toBe('patch 64×64×32 · overlap 0.5 × 0.5 × 0.25 · even · gaussian · mirrored');
    expect(seriesLabel(c)).toBe('gaussian p64x64x32 even mirrored');
    expect(seriesLabel({ ...c, patchSize: [24, 24, 24], placement: 'stride', mirror: false })).toBe('gaussian p24');
  });
  it('puts rules and sentences in words', () => {
    expect(describeRule('fastest-within:0.5%')).toBe('the fastest configuration whose mean Dice is within 0.5 % of the best (fastest-within:0.5%)');
    expect(describeRule('as chosen')).toBe('as chosen');
    expect(asSentence(' no saving is claimed ')).toBe('No saving is claimed.');
  });
});
