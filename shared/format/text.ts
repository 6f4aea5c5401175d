/** Text as a sentence: the first letter upper-case, a full stop at the end unless it has one. */
export function asSentence(text: string): string {
  const t = text.trim();
  if (!t) return t;
  return `${t[0].toUpperCase()}${t.slice(1)}${/[.!?]$/.test(t) ? '' : '.'}`;
}

/**
 * A selection rule in words. Knows the sweep's rule syntax (`fastest-within:<x>%`,
 * `fastest-within-abs:<dice>`, `fastest-above:<dice>`, `max-efficiency`, `max-dice`) and keeps
 * the syntax in parentheses; any other text is returned as it is.
 */
export function describeRule(rule: string): string {
  const r = rule.trim();
  let m: RegExpExecArray | null;
  let words: string | null = null;
  if ((m = /^fastest-within:([\d.]+)%$/.exec(r))) words = `the fastest configuration whose mean Dice is within ${m[1]} % of the best`;
  else if ((m = /^fastest-within-abs:([\d.]+)$/.exec(r))) words = `the fastest configuration whose mean Dice is within ${m[1]} of the best`;
  else if ((m = /^fastest-above:([\d.]+)$/.exec(r))) words = `the fastest configuration with a mean Dice of at least ${m[1]}`;
  else if (r === 'max-efficiency') words = 'the configuration with the most Dice per second';
  else if (r === 'max-dice') words = 'the configuration with the highest mean Dice';
  return words ? `${words} (${r})` : r;
}
