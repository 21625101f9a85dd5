import { describe, expect, it } from 'vitest';
import { regionHealth, type TrailSnapshot } from '../../../functions/core/trail-health.js';

const now = Date.parse('2026-11-24T10:00:00Z');
const minutes = (n: number): number => n * 60_000;
const options = { now, maxDeliveryAgeMs: minutes(30) };

/** A logging multi-region trail with CloudTrail's default selectors, delivering 3 minutes ago. */
const trail = (overrides: Partial<TrailSnapshot> = {}): TrailSnapshot => ({
  arn: 'arn:aws:cloudtrail:eu-west-1:111122223333:trail/org-trail',
  name: 'org-trail',
  homeRegion: 'eu-west-1',
  multiRegion: true,
  organization: true,
  status: { isLogging: true, latestDeliveryTime: now - minutes(3), startLoggingTime: now - minutes(600) },
  selectors: { basic: [{ readWriteType: 'All', includeManagementEvents: true }], advanced: [] },
  ...overrides,
});

describe('Trail health: regionHealth', () => {
  it.each([
    { name: 'default selectors (none configured)', selectors: { basic: [], advanced: [] } },
    { name: 'basic, write only', selectors: { basic: [{ readWriteType: 'WriteOnly' }], advanced: [] } },
    {
      name: 'advanced, management writes',
      selectors: {
        basic: [],
        advanced: [
          {
            name: 'writes',
            fieldSelectors: [
              { field: 'eventCategory', equals: ['Management'] },
              { field: 'readOnly', equals: ['false'] },
            ],
          },
        ],
      },
    },
  ])('is healthy with a logging, delivering trail: $name', ({ selectors }) => {
    // Act
    const health = regionHealth([trail({ selectors })], options);
    // Assess
    expect(health).toMatchObject({ state: 'healthy', severity: undefined, covering: [trail().arn], problems: [] });
  });

  it.each([
    {
      name: 'no trail at all (deleted)',
      trails: [],
      codes: ['no-trail'],
      severity: 'critical',
    },
    {
      name: 'logging stopped',
      trails: [trail({ status: { isLogging: false, stopLoggingTime: now - minutes(4) } })],
      codes: ['not-logging'],
      severity: 'critical',
    },
    {
      name: 'management events excluded (basic)',
      trails: [trail({ selectors: { basic: [{ includeManagementEvents: false }], advanced: [] } })],
      codes: ['management-events-excluded'],
      severity: 'critical',
    },
    {
      name: 'read-only management events only (basic)',
      trails: [trail({ selectors: { basic: [{ readWriteType: 'ReadOnly' }], advanced: [] } })],
      codes: ['write-events-excluded'],
      severity: 'critical',
    },
    {
      name: 'advanced selectors with data events only',
      trails: [
        trail({
          selectors: {
            basic: [],
            advanced: [
              {
                fieldSelectors: [
                  { field: 'eventCategory', equals: ['Data'] },
                  { field: 'resources.type', equals: ['AWS::S3::Object'] },
                ],
              },
            ],
          },
        }),
      ],
      codes: ['management-events-excluded'],
      severity: 'critical',
    },
    {
      name: 'advanced selectors with management reads only',
      trails: [
        trail({
          selectors: {
            basic: [],
            advanced: [
              {
                fieldSelectors: [
                  { field: 'eventCategory', equals: ['Management'] },
                  { field: 'readOnly', equals: ['true'] },
                ],
              },
            ],
          },
        }),
      ],
      codes: ['write-events-excluded'],
      severity: 'critical',
    },
    {
      name: 'S3 delivery failing',
      trails: [
        trail({
          status: { isLogging: true, latestDeliveryTime: now - minutes(3), latestDeliveryError: 'AccessDenied' },
        }),
      ],
      codes: ['delivery-error'],
      severity: 'high',
    },
    {
      name: 'last delivery older than 30 minutes',
      trails: [
        trail({
          status: { isLogging: true, latestDeliveryTime: now - minutes(45), startLoggingTime: now - minutes(900) },
        }),
      ],
      codes: ['delivery-stale'],
      severity: 'high',
    },
    {
      name: 'status not readable',
      trails: [{ ...trail(), status: undefined, selectors: undefined, error: 'AccessDeniedException: not authorized' }],
      codes: ['status-unavailable'],
      severity: 'high',
    },
  ])('is blind when $name', ({ trails, codes, severity }) => {
    // Act
    const health = regionHealth(trails as TrailSnapshot[], options);
    // Assess
    expect(health.state).toBe('blind');
    expect(health.severity).toBe(severity);
    expect(health.covering).toEqual([]);
    expect(health.problems.map((problem) => problem.code)).toEqual(codes);
  });

  it('stays healthy while a second trail covers the region, and reports the stopped one', () => {
    // Prepare
    const stopped = trail({
      arn: 'arn:aws:cloudtrail:eu-west-1:111122223333:trail/local',
      name: 'local',
      status: { isLogging: false },
    });
    // Act
    const health = regionHealth([stopped, trail()], options);
    // Assess
    expect(health.state).toBe('healthy');
    expect(health.covering).toEqual([trail().arn]);
    expect(health.problems.map((problem) => `${problem.code} ${problem.trail}`)).toEqual([
      `not-logging ${stopped.arn}`,
    ]);
  });

  it('is high while some trail still records but cannot deliver, critical when nothing records', () => {
    // Prepare
    const stopped = trail({ status: { isLogging: false, stopLoggingTime: now - minutes(2) } });
    const failing = trail({
      arn: 'arn:aws:cloudtrail:eu-west-1:111122223333:trail/b',
      status: { isLogging: true, latestDeliveryError: 'NoSuchBucket' },
    });
    // Act
    const health = regionHealth([stopped, failing], options);
    // Assess
    expect(health).toMatchObject({ state: 'blind', severity: 'high', stoppedAt: now - minutes(2) });
    expect(regionHealth([stopped], options).severity).toBe('critical');
  });

  it('is degraded when every covering trail leaves event sources out', () => {
    // Prepare
    const narrowed = trail({
      selectors: {
        basic: [{ readWriteType: 'All', excludeManagementEventSources: ['kms.amazonaws.com'] }],
        advanced: [],
      },
    });
    // Act
    const health = regionHealth([narrowed], options);
    // Assess
    expect(health).toMatchObject({ state: 'degraded', severity: 'high', covering: [narrowed.arn] });
    expect(health.problems[0]?.detail).toContain('kms.amazonaws.com');
  });

  it('does not call a trail stale that started logging within the delivery window', () => {
    // Prepare
    const fresh = trail({ status: { isLogging: true, startLoggingTime: now - minutes(5) } });
    // Act & Assess
    expect(regionHealth([fresh], options).state).toBe('healthy');
  });
});
