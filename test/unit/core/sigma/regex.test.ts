import { describe, expect, it } from 'vitest';
import { MAX_PATTERN_LENGTH, type RegexFlag, translateRegex } from '../../../../functions/core/sigma/regex.js';

describe('translateRegex()', () => {
  it.each<{ python: string; flags?: RegexFlag[]; source: string; jsFlags: string }>([
    { python: 'abc', source: 'abc', jsFlags: '' },
    { python: '(?i)abc', source: 'abc', jsFlags: 'i' },
    { python: '(?m)^a', source: '^a', jsFlags: 'm' },
    { python: '(?s)a.b', source: 'a.b', jsFlags: 's' },
    { python: '(?is)a.b', source: 'a.b', jsFlags: 'is' },
    { python: '(?i)(?m)(?s)x', source: 'x', jsFlags: 'ims' },
    { python: 'x', flags: ['i', 'm'], source: 'x', jsFlags: 'im' },
    { python: '(?P<user>\\w+)@(?P=user)', source: '(?<user>\\w+)@\\k<user>', jsFlags: '' },
    { python: '\\Aabc\\Z', source: '^abc$', jsFlags: '' },
    { python: '(?m)\\Aabc\\Z', source: '(?<![\\s\\S])abc(?![\\s\\S])', jsFlags: 'm' },
    { python: '\\a', source: '\\x07', jsFlags: '' },
    { python: '[]a]', source: '[\\]a]', jsFlags: '' },
    { python: '[^]a]', source: '[^\\]a]', jsFlags: '' },
    { python: 'a{,3}', source: 'a{0,3}', jsFlags: '' },
    { python: 'a{2,}', source: 'a{2,}', jsFlags: '' },
    { python: 'a{', source: 'a\\{', jsFlags: '' },
    { python: 'a+?b*?', source: 'a+?b*?', jsFlags: '' },
    { python: '(?:ab)(?=c)(?!d)(?<=e)(?<!f)', source: '(?:ab)(?=c)(?!d)(?<=e)(?<!f)', jsFlags: '' },
    { python: '.+:assumed-role/aws:.+', source: '.:assumed-role/aws:.', jsFlags: '' },
    { python: '.*abc.*?', source: 'abc', jsFlags: '' },
    { python: 'a\\.*', source: 'a\\.*', jsFlags: '' },
    { python: 'a|.*b', source: 'a|.*b', jsFlags: '' },
    { python: '^.*a$', source: '^.*a$', jsFlags: '' },
    { python: '\\d{1,3}(\\.\\d{1,3}){3}', source: '\\d{1,3}(\\.\\d{1,3}){3}', jsFlags: '' },
    { python: '(foo|bar)+', source: '(foo|bar)+', jsFlags: '' },
    { python: '(a)\\1', source: '(a)\\1', jsFlags: '' },
    { python: 'a\\.b\\-c\\/d', source: 'a\\.b\\-c\\/d', jsFlags: '' },
  ])('translates $python', ({ python, flags, source, jsFlags }) => {
    // Act
    const result = translateRegex(python, flags ?? []);
    // Assess
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.regex.source).toBe(new RegExp(source).source);
    expect(result.regex.flags).toBe(jsFlags);
    expect(result.regex.unicode).toBe(false);
  });

  it.each([
    { python: 'a(?i)b', reason: 'inline flags are only supported at the start of the pattern at offset 1' },
    { python: '(?i:a)', reason: 'inline flags are only supported at the start of the pattern at offset 0' },
    { python: '(?x)a b', reason: 'verbose mode (?x) is not supported at offset 0' },
    { python: 'a(?x)', reason: 'verbose mode (?x) is not supported at offset 1' },
    { python: '(?a)x', reason: "inline flag 'a' is not supported at offset 0" },
    { python: '(?>a)', reason: 'atomic groups (?>…) are not supported at offset 0' },
    { python: '(?#note)a', reason: 'comment groups (?#…) are not supported at offset 0' },
    { python: '(a)?(?(1)b|c)', reason: 'conditional groups (?(…)…) are not supported at offset 4' },
    { python: 'a++', reason: 'possessive quantifiers are not supported at offset 2' },
    { python: 'a{2}+', reason: 'possessive quantifiers are not supported at offset 4' },
    { python: '\\p{L}', reason: "unsupported escape '\\p' at offset 0" },
    { python: '[\\q]', reason: "unsupported escape '\\q' at offset 1" },
    { python: '(a+)+$', reason: 'nested quantifier ((a+)+ style) can backtrack catastrophically at offset 4' },
    { python: '(a*)*', reason: 'nested quantifier ((a+)+ style) can backtrack catastrophically at offset 4' },
    { python: '(a{1,2})+', reason: 'nested quantifier ((a+)+ style) can backtrack catastrophically at offset 8' },
    { python: '((ab)+c)*', reason: 'nested quantifier ((a+)+ style) can backtrack catastrophically at offset 8' },
    {
      python: '([a-z]+\\.)+com',
      reason: 'nested quantifier ((a+)+ style) can backtrack catastrophically at offset 10',
    },
    {
      python: '(a|aa)+',
      reason: 'overlapping alternatives ((a|aa)+ style) can backtrack catastrophically at offset 6',
    },
    { python: '(a|a)*', reason: 'overlapping alternatives ((a|aa)+ style) can backtrack catastrophically at offset 5' },
    {
      python: '(\\w|\\d)+',
      reason: 'overlapping alternatives ((a|aa)+ style) can backtrack catastrophically at offset 7',
    },
    {
      python: '(.|\\s)*',
      reason: 'overlapping alternatives ((a|aa)+ style) can backtrack catastrophically at offset 6',
    },
    {
      python: '((a)\\2)+',
      reason: 'back-reference inside a repeated group can backtrack catastrophically at offset 7',
    },
    {
      python: '(?P<x>a(?P=x))*',
      reason: 'back-reference inside a repeated group can backtrack catastrophically at offset 14',
    },
    { python: '(a', reason: 'unbalanced parenthesis at offset 2' },
    { python: 'a)', reason: 'unbalanced parenthesis at offset 1' },
    { python: '[a', reason: 'unterminated character class at offset 0' },
    { python: '*a', reason: 'nothing to repeat at offset 0' },
    { python: 'a**', reason: 'nothing to repeat at offset 2' },
    { python: 'ab\\', reason: 'trailing backslash at offset 2' },
  ])('refuses $python', ({ python, reason }) => {
    // Act
    const result = translateRegex(python, []);
    // Assess
    expect(result).toEqual({ ok: false, reason });
  });

  it('refuses patterns longer than the cap', () => {
    // Act
    const result = translateRegex('a'.repeat(MAX_PATTERN_LENGTH + 1), []);
    // Assess
    expect(result).toEqual({ ok: false, reason: `regular expression longer than ${MAX_PATTERN_LENGTH} characters` });
  });

  it('refuses hostile patterns quickly, without running them', () => {
    // Prepare
    const hostile = ['(a+)+b', '(x+x+)+y', '(a|a?)+b', '(.*a){20}', `${'(a*)'.repeat(200)}*`, '((a+)+)+'];
    const started = performance.now();
    // Act
    const results = hostile.map((pattern) => translateRegex(pattern, []));
    // Assess
    expect(results.every((result) => !result.ok)).toBe(true);
    expect(performance.now() - started).toBeLessThan(100);
  });

  it('keeps accepted patterns fast on adversarial input', () => {
    // Prepare
    const result = translateRegex('^(\\d+)\\.(\\d+)$', []);
    const input = `${'1'.repeat(50_000)}x`;
    const started = performance.now();
    // Act
    const matched = result.ok && result.regex.test(input);
    // Assess
    expect(matched).toBe(false);
    expect(performance.now() - started).toBeLessThan(1_000);
  });
});
