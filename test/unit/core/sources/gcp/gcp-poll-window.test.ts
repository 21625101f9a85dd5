import { describe, expect, it } from 'vitest';
import {
  buildEntriesFilter,
  defaultPollTiming,
  halveWindow,
  type MethodSet,
  maxFilterLength,
  nextSpan,
  nextWindow,
  resourceNameProblems,
} from '../../../../../functions/core/sources/gcp/poll-window.js';

const at = (iso: string): Date => new Date(iso);
const iso = (date: Date | undefined): string | undefined => date?.toISOString();
const minutes = 60_000;
const names: MethodSet = {
  names: ['google.logging.v2.configservicev2.deletesink', 'v1.compute.firewalls.delete'],
  services: [],
  any: false,
  unconstrained: false,
};

describe('nextWindow()', () => {
  it.each([
    {
      why: 'reads [checkpoint − 5 min, now − 30 s) when less than a span behind',
      checkpoint: '2026-11-24T10:00:00.000Z',
      now: '2026-11-24T10:01:30.000Z',
      expected: {
        from: '2026-11-24T10:00:00.000Z',
        start: '2026-11-24T09:55:00.000Z',
        end: '2026-11-24T10:01:00.000Z',
      },
    },
    {
      why: 'caps the new part at the span when far behind (catch-up goes window by window)',
      checkpoint: '2026-11-24T08:00:00.000Z',
      now: '2026-11-24T10:00:00.000Z',
      expected: {
        from: '2026-11-24T08:00:00.000Z',
        start: '2026-11-24T07:55:00.000Z',
        end: '2026-11-24T08:15:00.000Z',
      },
    },
    {
      why: 'starts an hour back on the first run',
      checkpoint: undefined,
      now: '2026-11-24T10:00:00.000Z',
      expected: {
        from: '2026-11-24T09:00:00.000Z',
        start: '2026-11-24T08:55:00.000Z',
        end: '2026-11-24T09:15:00.000Z',
      },
    },
  ])('$why', ({ checkpoint, now, expected }) => {
    // Act
    const window = nextWindow({ checkpoint, now: at(now), spanMs: 15 * minutes });
    // Assess
    expect({ from: iso(window?.from), start: iso(window?.start), end: iso(window?.end) }).toEqual(expected);
  });

  it('puts the timestamp floor an hour before the checkpoint, not before the window start', () => {
    // Act
    const window = nextWindow({ checkpoint: '2026-11-24T10:00:00Z', now: at('2026-11-24T10:05:00Z'), spanMs: minutes });
    // Assess
    expect(iso(window?.timestampFloor)).toBe('2026-11-24T09:00:00.000Z');
  });

  it('has nothing to read while the checkpoint is within 30 s of now', () => {
    // Act
    const window = nextWindow({ checkpoint: '2026-11-24T10:00:00Z', now: at('2026-11-24T10:00:30Z'), spanMs: minutes });
    // Assess
    expect(window).toBeUndefined();
  });

  it('refuses a checkpoint that is not a time', () => {
    // Act, Assess
    expect(() => nextWindow({ checkpoint: 'yesterday', now: at('2026-11-24T10:00:00Z'), spanMs: minutes })).toThrow(
      /not an ISO-8601 time/,
    );
  });
});

describe('halveWindow()', () => {
  it('keeps the start and halves the new part', () => {
    // Prepare
    const window = nextWindow({
      checkpoint: '2026-11-24T10:00:00Z',
      now: at('2026-11-24T11:00:00Z'),
      spanMs: 8 * minutes,
    });
    // Act
    const halved = window && halveWindow(window);
    // Assess
    expect({ start: iso(halved?.start), end: iso(halved?.end) }).toEqual({
      start: '2026-11-24T09:55:00.000Z',
      end: '2026-11-24T10:04:00.000Z',
    });
  });

  it('stops at the minimum span of 10 s', () => {
    // Prepare
    const window = nextWindow({ checkpoint: '2026-11-24T10:00:00Z', now: at('2026-11-24T11:00:00Z'), spanMs: 10_000 });
    // Act, Assess
    expect(window && halveWindow(window)).toBeUndefined();
  });
});

describe('nextSpan()', () => {
  it.each([
    { why: 'doubles after a light window', span: 2 * minutes, pages: 1, expected: 4 * minutes },
    { why: 'keeps the span after a busy window', span: 2 * minutes, pages: 6, expected: 2 * minutes },
    { why: 'never grows past the maximum', span: 15 * minutes, pages: 0, expected: 15 * minutes },
  ])('$why', ({ span, pages, expected }) => {
    expect(nextSpan(span, pages, 10, defaultPollTiming)).toBe(expected);
  });
});

describe('buildEntriesFilter()', () => {
  const window = nextWindow({
    checkpoint: '2026-11-24T10:00:00Z',
    now: at('2026-11-24T10:01:30Z'),
    spanMs: 15 * minutes,
  });
  if (window === undefined) throw new Error('no window');

  it('restricts to the Admin Activity log, the arrival window, the timestamp floor and the rules’ method names', () => {
    // Act
    const { filter, scope, widened } = buildEntriesFilter(window, names);
    // Assess
    expect(filter).toBe(
      'logName:"cloudaudit.googleapis.com%2Factivity" AND receiveTimestamp>="2026-11-24T09:55:00.000Z" AND ' +
        'receiveTimestamp<"2026-11-24T10:01:00.000Z" AND timestamp>="2026-11-24T09:00:00.000Z" AND ' +
        'protoPayload.methodName=("google.logging.v2.configservicev2.deletesink" OR "v1.compute.firewalls.delete")',
    );
    expect({ scope, widened }).toEqual({ scope: 'names', widened: false });
  });

  it('reads the Data Access log too when asked (rules on DATA_WRITE methods)', () => {
    // Act
    const { filter } = buildEntriesFilter(window, names, ['activity', 'data_access']);
    // Assess
    expect(filter).toMatch(
      /^\(logName:"cloudaudit.googleapis.com%2Factivity" OR logName:"cloudaudit.googleapis.com%2Fdata_access"\) AND /,
    );
  });

  it('adds the services of rules without a method constraint', () => {
    // Act
    const { filter, scope } = buildEntriesFilter(window, { ...names, services: ['logging.googleapis.com'], any: true });
    // Assess
    expect(filter).toContain('(protoPayload.methodName=("google.logging.v2.configservicev2.deletesink" OR ');
    expect(filter).toContain(' OR protoPayload.serviceName=("logging.googleapis.com"))');
    expect(scope).toBe('names-or-services');
  });

  it('reads every Admin Activity entry when some rule constrains neither method nor service', () => {
    // Act
    const { filter, scope } = buildEntriesFilter(window, { ...names, any: true, unconstrained: true });
    // Assess
    expect(filter).not.toContain('protoPayload');
    expect(scope).toBe('all');
  });

  it('escapes quotes and backslashes in names', () => {
    // Act
    const { filter } = buildEntriesFilter(window, { ...names, names: ['a"b\\c'] });
    // Assess
    expect(filter).toContain('protoPayload.methodName=("a\\"b\\\\c")');
  });

  it('drops the method clause rather than pass 20,000 characters', () => {
    // Prepare
    const many = Array.from(
      { length: 400 },
      (_, i) => `google.cloud.example.v1.exampleservice.method${i}withalongname`,
    );
    // Act
    const { filter, scope, widened } = buildEntriesFilter(window, { ...names, names: many });
    // Assess
    expect(filter.length).toBeLessThanOrEqual(maxFilterLength);
    expect({ scope, widened }).toEqual({ scope: 'all', widened: true });
  });
});

describe('resourceNameProblems()', () => {
  it('accepts projects, folders, organizations, billing accounts and log views', () => {
    expect(
      resourceNameProblems([
        'projects/central-logs',
        'folders/123',
        'organizations/456',
        'billingAccounts/0A1B2C-3D4E5F-6A7B8C',
        'projects/central-logs/locations/global/buckets/audit/views/_AllLogs',
      ]),
    ).toEqual([]);
  });

  it('reports every problem: shape, duplicates, none, more than 100', () => {
    expect(resourceNameProblems(['projects/a', 'projects/a', 'logs/x'])).toEqual([
      "resourceNames[2]: 'logs/x' is not projects|folders|organizations|billingAccounts/ID or a log view",
      'resourceNames: duplicated projects/a',
    ]);
    expect(resourceNameProblems([])).toEqual(['resourceNames: at least one is needed']);
    expect(resourceNameProblems(Array.from({ length: 101 }, (_, i) => `projects/p-${i}`))).toEqual([
      'resourceNames: 101 given, at most 100',
    ]);
  });
});
