import { describe, expect, it } from 'vitest';
import {
  activityQuery,
  defaultPollLimits,
  halveWindow,
  nextWindow,
  PollWindowError,
  resultColumns,
} from '../../../../../functions/core/sources/azure/poll-query.js';

const at = (time: string): Date => new Date(`2026-11-24T${time}Z`);
const limits = defaultPollLimits;
const window = { start: at('10:00:00'), end: at('10:15:00') };
const named = {
  names: ['microsoft.insights/diagnosticsettings/delete', 'microsoft.network/networkwatchers/delete'],
  any: false,
};

describe('nextWindow()', () => {
  it.each([
    { why: 'a full 15-minute window after the checkpoint', checkpoint: '10:00:00', now: '10:40:00', end: '10:15:00' },
    { why: 'ends one minute before now', checkpoint: '10:00:00', now: '10:06:00', end: '10:05:00' },
    { why: 'keeps a shrunk span', checkpoint: '10:00:00', now: '10:40:00', end: '10:03:45', span: 225_000 },
  ])('$why', ({ checkpoint, now, end, span }) => {
    // Act
    const next = nextWindow(at(checkpoint).toISOString(), at(now), limits, span);
    // Assess
    expect(next).toEqual({ start: at(checkpoint), end: at(end) });
  });

  it('has nothing to read while the checkpoint is within the settle time', () => {
    expect(nextWindow(at('10:00:00').toISOString(), at('10:01:00'), limits)).toBeUndefined();
  });

  it('starts a workspace without checkpoint one hour back', () => {
    expect(nextWindow(undefined, at('11:00:00'), limits)).toEqual({ start: at('10:00:00'), end: at('10:15:00') });
  });

  it('never shrinks below the minimum span', () => {
    expect(nextWindow(at('10:00:00').toISOString(), at('11:00:00'), limits, 1)?.end).toEqual(at('10:00:05'));
  });

  it('refuses a checkpoint that is no date instead of starting over', () => {
    expect(() => nextWindow('yesterday-ish', at('11:00:00'), limits)).toThrow(PollWindowError);
  });
});

describe('halveWindow()', () => {
  it('keeps the first half, from the same start', () => {
    expect(halveWindow(window, limits)).toEqual({ start: at('10:00:00'), end: at('10:07:30') });
  });

  it('stops at the minimum span', () => {
    // Prepare
    const small = { start: at('10:00:00'), end: at('10:00:08') };
    // Act
    const half = halveWindow(small, limits);
    // Assess
    expect(half).toEqual({ start: at('10:00:00'), end: at('10:00:05') });
    expect(halveWindow(half ?? small, limits)).toBeUndefined();
  });
});

describe('activityQuery()', () => {
  it('reads (checkpoint − 2 min, end] on ingestion_time(), administrative rows only, oldest first', () => {
    // Act
    const { query } = activityQuery(window, named, limits);
    // Assess
    expect(query.split('\n')).toEqual([
      'AzureActivity',
      '| where TimeGenerated > datetime(2026-11-24T03:58:00.000Z)',
      '| where ingestion_time() > datetime(2026-11-24T09:58:00.000Z) and ingestion_time() <= datetime(2026-11-24T10:15:00.000Z)',
      '| where CategoryValue == "Administrative"',
      '| where OperationNameValue in~ ("microsoft.insights/diagnosticsettings/delete", "microsoft.network/networkwatchers/delete")',
      '| extend Ingested = ingestion_time()',
      '| order by Ingested asc',
      '| take 10001',
      expect.stringMatching(/^\| project TimeGenerated = tostring\(TimeGenerated\), Ingested = tostring\(Ingested\), /),
    ]);
  });

  it('projects every column the normalizer reads, datetimes as text', () => {
    // Act
    const { query } = activityQuery(window, named, limits);
    // Assess
    expect(resultColumns).toEqual(
      expect.arrayContaining([
        'EventDataId',
        'OperationNameValue',
        'ActivityStatusValue',
        'ActivitySubstatusValue',
        'CategoryValue',
        'Caller',
        'CallerIpAddress',
        'CorrelationId',
        'SubscriptionId',
        'ResourceId',
        '_ResourceId',
        'ResourceProviderValue',
        'Properties_d',
        'Authorization_d',
        'Claims_d',
      ]),
    );
    expect(query).toContain('EventSubmissionTimestamp = tostring(EventSubmissionTimestamp)');
  });

  it('drops the operation filter when some rule has no operation constraint', () => {
    expect(activityQuery(window, { names: named.names, any: true }, limits).query).not.toContain(
      'OperationNameValue in~',
    );
  });

  it('escapes quotes and backslashes in operation names', () => {
    // Act
    const { query } = activityQuery(window, { names: ['a"b\\c/delete'], any: false }, limits);
    // Assess
    expect(query).toContain('in~ ("a\\"b\\\\c/delete")');
  });

  it('asks for one row more than the cap, or the given cap', () => {
    expect(activityQuery(window, named, limits).query).toContain('| take 10001');
    expect(activityQuery(window, named, limits, 500_000).query).toContain('| take 500000');
  });

  it('bounds TimeGenerated six hours before the read range, also in the API timespan', () => {
    // Act
    const { timespan } = activityQuery(window, named, limits);
    // Assess
    expect(timespan).toEqual({ startTime: at('03:58:00'), endTime: at('11:15:00') });
  });
});
