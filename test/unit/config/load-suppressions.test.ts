import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadSuppressions } from '../../../functions/config/load-suppressions.js';

const fileWith = (content: unknown): string => {
  const file = join(mkdtempSync(join(tmpdir(), 'tw-suppressions-')), 'suppressions.json');
  writeFileSync(file, JSON.stringify(content));
  return file;
};

describe('loadSuppressions()', () => {
  it('returns no suppressions when no file is configured', () => {
    expect(loadSuppressions(undefined)).toEqual([]);
  });

  it('reads the entries the stack wrote', () => {
    // Prepare
    const entry = { id: 's1', match: { account: '111122223333' }, owner: 'o', reason: 'r', expires: '2027-01-31' };
    // Act + Assess
    expect(loadSuppressions(fileWith([entry]))).toEqual([entry]);
  });

  it('fails the cold start on a bad file, naming every problem', () => {
    const file = fileWith([{ id: 's1', match: {}, owner: '', expires: 'soon' }]);
    expect(() => loadSuppressions(file)).toThrow(
      /\[0\.match\].*\n.*\[0\.owner\].*\n.*\[0\.reason\].*\n.*\[0\.expires\]/s,
    );
  });
});
