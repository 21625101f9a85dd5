import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
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

  it('returns no suppressions for the empty list the stack writes by default', () => {
    // Prepare
    const file = fileWith([]);

    // Act
    const suppressions = loadSuppressions(file);

    // Assess
    expect(suppressions).toEqual([]);
  });

  it('rejects a file that holds no list', () => {
    // Prepare
    const file = fileWith({});

    // Act
    const load = () => loadSuppressions(file);

    // Assess
    expect(load).toThrow(/invalid suppressions/);
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

describe('loadSuppressions() at cold start', () => {
  const suppressModule = '../../../functions/core/suppress.js';

  /** loadSuppressions from a fresh module graph whose suppression schema records each time it is asked for. */
  const withSchemaSpy = async () => {
    const asked = vi.fn();
    vi.resetModules();
    vi.doMock(suppressModule, async (importOriginal) => {
      const actual = await importOriginal<typeof import('../../../functions/core/suppress.js')>();
      return {
        ...actual,
        suppressionSchema: () => {
          asked();
          return actual.suppressionSchema();
        },
      };
    });
    const { loadSuppressions: load } = await import('../../../functions/config/load-suppressions.js');
    return { asked, load };
  };

  afterEach(() => {
    vi.doUnmock(suppressModule);
    vi.resetModules();
  });

  it('does not build the schema for an empty list', async () => {
    // Prepare
    const { asked, load } = await withSchemaSpy();

    // Act
    const suppressions = load(fileWith([]));

    // Assess
    expect(suppressions).toEqual([]);
    expect(asked).not.toHaveBeenCalled();
  });

  it('builds the schema once for a list with entries', async () => {
    // Prepare
    const { asked, load } = await withSchemaSpy();
    const entry = { id: 's1', match: { rule: 'r' }, owner: 'o', reason: 'r', expires: '2027-01-31' };

    // Act
    load(fileWith([entry]));
    load(fileWith([entry]));

    // Assess
    expect(asked).toHaveBeenCalledOnce();
  });
});
