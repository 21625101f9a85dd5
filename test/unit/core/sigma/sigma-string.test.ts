import { describe, expect, it } from 'vitest';
import { formatSigmaString, parseSigmaString } from '../../../../functions/core/sigma/sigma-string.js';

// W = wildcard `*`, O = `?`; text in brackets. The escape table of research/sigma.md §1.6 (pySigma's rules).
const render = (value: string): string =>
  parseSigmaString(value)
    .map((part) => (part.kind === 'any' ? 'W' : part.kind === 'one' ? 'O' : `[${part.text}]`))
    .join('');

describe('parseSigmaString()', () => {
  it.each([
    { value: 'plain', parts: '[plain]' },
    { value: '', parts: '' },
    { value: 'a*b', parts: '[a]W[b]' },
    { value: 'a**b', parts: '[a]W[b]' },
    { value: 'a?b', parts: '[a]O[b]' },
    { value: '*', parts: 'W' },
    { value: 'C:\\Windows\\*', parts: '[C:\\Windows*]' },
    { value: 'C:\\\\Windows\\\\*', parts: '[C:\\Windows\\]W' },
    { value: 'a\\*b', parts: '[a*b]' },
    { value: 'a\\\\*b', parts: '[a\\]W[b]' },
    { value: 'a\\\\\\*b', parts: '[a\\*b]' },
    { value: 'a\\\\\\b', parts: '[a\\\\b]' },
    { value: 'a\\\\\\\\b', parts: '[a\\\\b]' },
    { value: 'a\\?b', parts: '[a?b]' },
    { value: 'ends\\', parts: '[ends\\]' },
    { value: 'x\\yz', parts: '[x\\yz]' },
  ])('parses $value', ({ value, parts }) => {
    // Act
    const rendered = render(value);
    // Assess
    expect(rendered).toBe(parts);
  });

  it('formats back to an equivalent Sigma string', () => {
    // Prepare
    const value = 'a\\*b*c?d\\\\';
    // Act
    const again = parseSigmaString(formatSigmaString(parseSigmaString(value)));
    // Assess
    expect(again).toEqual(parseSigmaString(value));
  });
});
