import { describe, expect, it } from 'vitest';
import {
  encodeBase64,
  encodeBase64Offset,
  encodeUtf16,
  windash,
} from '../../../../functions/core/sigma/modifiers/encoding.js';
import { formatSigmaString, parseSigmaString, plainText } from '../../../../functions/core/sigma/sigma-string.js';

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');

describe('encodings (specification appendix, pySigma)', () => {
  it.each([
    { modifier: 'wide', bytes: '63006d006400' },
    { modifier: 'utf16le', bytes: '63006d006400' },
    { modifier: 'utf16be', bytes: '0063006d0064' },
    { modifier: 'utf16', bytes: 'fffe63006d006400' },
  ])('$modifier encodes cmd as $bytes', ({ modifier, bytes }) => {
    // Act
    const encoded = encodeUtf16(parseSigmaString('cmd'), modifier);
    // Assess
    expect(hex(encoded)).toBe(bytes);
  });

  it('base64 encodes UTF-8 text', () => {
    // Act
    const encoded = encodeBase64(parseSigmaString('cmd'));
    // Assess
    expect(plainText(encoded)).toBe('Y21k');
  });

  it('base64offset yields the three shifted encodings (abcd → YWJjZ, FiY2, hYmNk)', () => {
    // Act
    const variants = encodeBase64Offset(parseSigmaString('abcd')).map(plainText);
    // Assess
    expect(variants).toEqual(['YWJjZ', 'FiY2', 'hYmNk']);
  });

  it('base64offset refuses a value whose shifted encoding would be empty', () => {
    // Act
    const act = () => encodeBase64Offset(parseSigmaString('a'));
    // Assess
    expect(act).toThrow("value too short for 'base64offset'");
  });

  it('base64 refuses wildcards', () => {
    // Act
    const act = () => encodeBase64(parseSigmaString('cm*'));
    // Assess
    expect(act).toThrow("'base64' cannot encode wildcards");
  });

  it('windash expands a flag dash into five characters', () => {
    // Act
    const variants = windash(parseSigmaString(' -force')).map(formatSigmaString);
    // Assess
    expect(variants).toEqual([' -force', ' /force', ' \u2013force', ' \u2014force', ' \u2015force']);
  });

  it('windash expands every combination (5^n)', () => {
    // Act
    const variants = windash(parseSigmaString('-a -b'));
    // Assess
    expect(variants).toHaveLength(25);
  });

  it('windash leaves dashes inside words and before non-word characters', () => {
    // Act
    const variants = windash(parseSigmaString('a-b - c'));
    // Assess
    expect(variants.map(formatSigmaString)).toEqual(['a-b - c']);
  });

  it('windash refuses too many dashes', () => {
    // Act
    const act = () => windash(parseSigmaString('-a -b -c -d -e'));
    // Assess
    expect(act).toThrow('windash on more than 4 dashes (3125 variants)');
  });
});
