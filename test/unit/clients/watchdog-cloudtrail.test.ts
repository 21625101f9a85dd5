import {
  type CloudTrailClient,
  DescribeTrailsCommand,
  GetEventSelectorsCommand,
  GetTrailStatusCommand,
  LookupEventsCommand,
} from '@aws-sdk/client-cloudtrail';
import { describe, expect, it } from 'vitest';
import { CloudTrailRegion } from '../../../functions/clients/cloudtrail.js';

type Sent = { name: string; input: Record<string, unknown> };

/** A CloudTrail client whose `send` answers from a function of the command, recording each call. */
const stubClient = (answer: (command: unknown) => unknown) => {
  const sent: Sent[] = [];
  const client = {
    send: async (command: { input: Record<string, unknown> }) => {
      sent.push({ name: command.constructor.name, input: command.input });
      const result = answer(command);
      if (result instanceof Error) throw result;
      return result;
    },
  } as unknown as CloudTrailClient;
  return { client, sent };
};

describe('CloudTrail client: trails', () => {
  it('reads status and selectors of every trail by ARN, shadow trails included, keeping per-trail errors', async () => {
    // Prepare
    const arnA = 'arn:aws:cloudtrail:eu-west-1:111122223333:trail/a';
    const arnB = 'arn:aws:cloudtrail:us-east-1:111122223333:trail/org';
    const { client, sent } = stubClient((command) => {
      if (command instanceof DescribeTrailsCommand)
        return {
          trailList: [
            { Name: 'a', TrailARN: arnA, HomeRegion: 'eu-west-1', IsMultiRegionTrail: false },
            {
              Name: 'org',
              TrailARN: arnB,
              HomeRegion: 'us-east-1',
              IsMultiRegionTrail: true,
              IsOrganizationTrail: true,
            },
          ],
        };
      if (command instanceof GetTrailStatusCommand) {
        if (command.input.Name === arnB) return Object.assign(new Error('denied'), { name: 'AccessDeniedException' });
        return {
          IsLogging: false,
          StopLoggingTime: new Date('2026-11-24T10:01:00Z'),
          LatestDeliveryTime: new Date('2026-11-24T10:00:00Z'),
          LatestDeliveryError: '',
        };
      }
      if (command instanceof GetEventSelectorsCommand)
        return { EventSelectors: [{ ReadWriteType: 'WriteOnly', IncludeManagementEvents: true }] };
      return new Error('unexpected');
    });
    // Act
    const trails = await new CloudTrailRegion(client).snapshot();
    // Assess
    expect(sent[0]).toEqual({ name: 'DescribeTrailsCommand', input: { includeShadowTrails: true } });
    expect(trails).toEqual([
      {
        arn: arnA,
        name: 'a',
        homeRegion: 'eu-west-1',
        multiRegion: false,
        organization: false,
        status: {
          isLogging: false,
          latestDeliveryTime: Date.parse('2026-11-24T10:00:00Z'),
          stopLoggingTime: Date.parse('2026-11-24T10:01:00Z'),
        },
        selectors: {
          basic: [{ readWriteType: 'WriteOnly', includeManagementEvents: true, excludeManagementEventSources: [] }],
          advanced: [],
        },
      },
      {
        arn: arnB,
        name: 'org',
        homeRegion: 'us-east-1',
        multiRegion: true,
        organization: true,
        error: 'AccessDeniedException: denied',
      },
    ]);
  });
});

describe('CloudTrail client: LookupEvents', () => {
  it('pages with NextToken, one event name per call, and paces calls 550 ms apart (under 2 per second)', async () => {
    // Prepare
    let clock = 1_000;
    const sleeps: number[] = [];
    const { client, sent } = stubClient((command) => {
      if (!(command instanceof LookupEventsCommand)) return new Error('unexpected');
      clock += 120; // each call takes 120 ms
      const page = command.input.NextToken === undefined ? 1 : Number(command.input.NextToken);
      return {
        Events: [{ EventId: `e${page}`, CloudTrailEvent: '{}' }],
        ...(page < 3 ? { NextToken: String(page + 1) } : {}),
      };
    });
    const cloudtrail = new CloudTrailRegion(client, {
      now: () => clock,
      sleep: async (ms) => {
        sleeps.push(ms);
        clock += ms;
      },
    });
    const start = new Date('2026-11-24T09:00:00Z');
    const end = new Date('2026-11-24T10:00:00Z');
    // Act
    const pages = [];
    for await (const page of cloudtrail.lookup({ eventName: 'StopLogging', start, end })) pages.push(page);
    // Assess
    expect(pages.map((page) => page.Events?.[0]?.EventId)).toEqual(['e1', 'e2', 'e3']);
    expect(sent.map((call) => call.input)).toEqual([
      {
        LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: 'StopLogging' }],
        StartTime: start,
        EndTime: end,
        MaxResults: 50,
      },
      {
        LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: 'StopLogging' }],
        StartTime: start,
        EndTime: end,
        MaxResults: 50,
        NextToken: '2',
      },
      {
        LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: 'StopLogging' }],
        StartTime: start,
        EndTime: end,
        MaxResults: 50,
        NextToken: '3',
      },
    ]);
    expect(sleeps).toEqual([430, 430]);
  });
});
