import { describe, expect, it } from 'vitest';
import { lastSegment } from '../../../../functions/core/sources/read-path.js';
import { differentialInputs } from '../differential-inputs.js';

// lastSegment scans back from the end instead of splitting (test/bench profile: it runs for every CloudTrail actor).
// The plain split it replaced is kept here; both must agree on every ARN of the inputs and on every short string of
// separators and letters.

const plainLastSegment = (text: string): string =>
  text
    .split(/[/:]/)
    .filter((part) => part !== '')
    .pop() ?? text;

const stringsIn = (value: unknown, out: Set<string> = new Set()): Set<string> => {
  if (typeof value === 'string') out.add(value);
  else if (Array.isArray(value)) for (const item of value) stringsIn(item, out);
  else if (typeof value === 'object' && value !== null) for (const inner of Object.values(value)) stringsIn(inner, out);
  return out;
};

/** Every string of length 0..5 over `a`, `/`, `:` and `é`. */
const shortStrings = (): string[] => {
  const alphabet = ['a', '/', ':', 'é'];
  let level = [''];
  const all = [''];
  for (let length = 1; length <= 5; length += 1) {
    level = level.flatMap((prefix) => alphabet.map((char) => prefix + char));
    all.push(...level);
  }
  return all;
};

describe('lastSegment(): backward scan vs split', () => {
  it('agrees on every string of the inputs', () => {
    // Prepare
    const strings = new Set<string>();
    for (const { value } of differentialInputs()) stringsIn(value, strings);
    // Act
    const differences = [...strings].filter((text) => lastSegment(text) !== plainLastSegment(text));
    // Assess
    expect(strings.size).toBeGreaterThan(1_000);
    expect(differences).toEqual([]);
  });

  it('agrees on every short string of separators and letters', () => {
    // Act
    const differences = shortStrings().filter((text) => lastSegment(text) !== plainLastSegment(text));
    // Assess
    expect(differences).toEqual([]);
  });
});
