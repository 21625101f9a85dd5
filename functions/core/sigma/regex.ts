import { type RegexFlag, RegexRefusal, Translator } from './regex-translator.js';

/**
 * Python-style (pySigma) regular expressions → JavaScript `RegExp`, never with the `u` flag (20 SigmaHQ patterns fail
 * under it). Leading `(?i)(?m)(?s)` become flags, `(?P<n>…)` → `(?<n>…)`, `(?P=n)` → `\k<n>`, `\A` / `\Z` → anchors.
 * Refused with the offset: inline flags elsewhere, `(?x)`, comments, conditionals, atomic groups, possessive
 * quantifiers, unknown escapes, and patterns that can backtrack catastrophically (a repeated group holding a
 * quantifier, overlapping alternatives or a back-reference).
 */
type RegexResult = { readonly ok: true; readonly regex: RegExp } | { readonly ok: false; readonly reason: string };

const MAX_PATTERN_LENGTH = 1000;

/**
 * For a search (`RegExp.test`), a leading or trailing `.*` can match nothing and `.+` one character, so they are
 * trimmed: `.+:assumed-role/aws:.+` becomes `.:assumed-role/aws:.`, linear instead of quadratic on a miss. Only
 * for patterns without a top-level alternation.
 */
const trimUnanchoredDots = (source: string): string => {
  let result = source;
  const lead = /^\.([*+])\??/.exec(result);
  if (lead !== null) result = (lead[1] === '+' ? '.' : '') + result.slice(lead[0].length);
  const tail = /\.([*+])\??$/.exec(result);
  if (tail !== null) {
    const backslashes = /\\*$/.exec(result.slice(0, tail.index))?.[0].length ?? 0;
    if (backslashes % 2 === 0) result = result.slice(0, tail.index) + (tail[1] === '+' ? '.' : '');
  }
  return result;
};

/**
 * Translate and compile a Sigma `re` value. `flags` are those of the `i`, `m`, `s` modifiers.
 *
 * @example
 * translateRegex('(?i)^stop(?P<what>logging)\\Z', []); // { ok: true, regex: /^stop(?<what>logging)$/i }
 */
const translateRegex = (pattern: string, flags: readonly RegexFlag[]): RegexResult => {
  if (pattern.length > MAX_PATTERN_LENGTH) {
    return { ok: false, reason: `regular expression longer than ${MAX_PATTERN_LENGTH} characters` };
  }
  const all = new Set<RegexFlag>(flags);
  let start = 0;
  for (
    let lead = /^\(\?([a-zA-Z]+)\)/.exec(pattern);
    lead !== null;
    lead = /^\(\?([a-zA-Z]+)\)/.exec(pattern.slice(start))
  ) {
    const letters = lead[1] as string;
    if (letters.includes('x')) return { ok: false, reason: `verbose mode (?x) is not supported at offset ${start}` };
    const bad = [...letters].find((letter) => letter !== 'i' && letter !== 'm' && letter !== 's');
    if (bad !== undefined) return { ok: false, reason: `inline flag '${bad}' is not supported at offset ${start}` };
    for (const letter of letters) all.add(letter as RegexFlag);
    start += lead[0].length;
  }
  try {
    const translator = new Translator(pattern, start, all);
    const source = translator.run();
    const searched = translator.singleBranch ? trimUnanchoredDots(source) : source;
    return { ok: true, regex: new RegExp(searched, [...all].sort().join('')) };
  } catch (error) {
    if (error instanceof RegexRefusal) return { ok: false, reason: error.message };
    return { ok: false, reason: `invalid regular expression: ${(error as Error).message}` };
  }
};

export { MAX_PATTERN_LENGTH, type RegexFlag, type RegexResult, translateRegex };
