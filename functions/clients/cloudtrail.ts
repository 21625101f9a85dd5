import {
  type AdvancedEventSelector,
  type CloudTrailClient,
  DescribeTrailsCommand,
  type EventSelector,
  GetEventSelectorsCommand,
  GetTrailStatusCommand,
  type GetTrailStatusCommandOutput,
  LookupEventsCommand,
  type LookupEventsCommandOutput,
} from '@aws-sdk/client-cloudtrail';
import type { TrailSelectors, TrailSnapshot, TrailStatusView } from '../core/trail-health.js';

/**
 * One LookupEvents query over `[start, end)` with one attribute (the API takes one per call): an event name, or an
 * event source for rules that constrain the service only.
 */
type LookupQuery =
  | { readonly eventName: string; readonly start: Date; readonly end: Date }
  | {
      readonly eventSource: string;
      readonly start: Date;
      readonly end: Date;
    };

/** One page of results, as the API returns it (`{ Events: [{ CloudTrailEvent, … }] }`), for `eventsFromValue`. */
type LookupPage = Pick<LookupEventsCommandOutput, 'Events'>;

/** The watchdog's view of CloudTrail in one region. */
type TrailReader = { snapshot(): Promise<TrailSnapshot[]> };
/** The backfill's view of CloudTrail event history in one region. */
type EventLookup = { lookup(query: LookupQuery): AsyncIterable<LookupPage> };

type Pacing = {
  /**
   * Least time between two LookupEvents calls: 550 ms keeps within 2 requests per second per account and region, with
   * room for the network to bunch two requests up on the way.
   */
  readonly minIntervalMs: number;
  readonly sleep: (ms: number) => Promise<void>;
  readonly now: () => number;
};

const maxResults = 50;

const describe = (error: unknown): string =>
  error instanceof Error ? `${error.name}: ${error.message}` : String(error);

const epoch = (date: Date | undefined): number | undefined => (date === undefined ? undefined : date.getTime());

const statusOf = (output: GetTrailStatusCommandOutput): TrailStatusView => {
  const times = {
    latestDeliveryTime: epoch(output.LatestDeliveryTime),
    startLoggingTime: epoch(output.StartLoggingTime),
    stopLoggingTime: epoch(output.StopLoggingTime),
  };
  const errors = {
    latestDeliveryError: output.LatestDeliveryError,
    latestCloudWatchLogsDeliveryError: output.LatestCloudWatchLogsDeliveryError,
    latestDigestDeliveryError: output.LatestDigestDeliveryError,
    latestNotificationError: output.LatestNotificationError,
  };
  const defined = Object.entries({ ...times, ...errors }).filter(([, value]) => value !== undefined && value !== '');
  return { isLogging: output.IsLogging === true, ...Object.fromEntries(defined) };
};

const selectorsOf = (basic: EventSelector[] = [], advanced: AdvancedEventSelector[] = []): TrailSelectors => ({
  basic: basic.map((selector) => ({
    ...(selector.ReadWriteType === undefined ? {} : { readWriteType: selector.ReadWriteType }),
    ...(selector.IncludeManagementEvents === undefined
      ? {}
      : { includeManagementEvents: selector.IncludeManagementEvents }),
    excludeManagementEventSources: selector.ExcludeManagementEventSources ?? [],
  })),
  advanced: advanced.map((selector) => ({
    ...(selector.Name === undefined ? {} : { name: selector.Name }),
    fieldSelectors: (selector.FieldSelectors ?? []).map((field) => ({
      field: field.Field ?? '',
      ...(field.Equals === undefined ? {} : { equals: field.Equals }),
      ...(field.NotEquals === undefined ? {} : { notEquals: field.NotEquals }),
      ...(field.StartsWith === undefined ? {} : { startsWith: field.StartsWith }),
      ...(field.NotStartsWith === undefined ? {} : { notStartsWith: field.NotStartsWith }),
      ...(field.EndsWith === undefined ? {} : { endsWith: field.EndsWith }),
      ...(field.NotEndsWith === undefined ? {} : { notEndsWith: field.NotEndsWith }),
    })),
  })),
});

/**
 * CloudTrail in one region, for the watchdog and the backfill: DescribeTrails (shadow and organization trails
 * included), GetTrailStatus and GetEventSelectors per trail by ARN, and LookupEvents paced under 2 calls per second
 * (the SDK's standard retry handles a ThrottlingException that other callers in the account cause).
 *
 * @example
 * const cloudtrail = new CloudTrailRegion(new CloudTrailClient({ region: 'eu-west-1' }));
 * const trails = await cloudtrail.snapshot();
 * for await (const page of cloudtrail.lookup({ eventName: 'StopLogging', start, end })) …
 */
class CloudTrailRegion implements TrailReader, EventLookup {
  private nextCallAt = 0;
  private readonly pacing: Pacing;

  constructor(
    private readonly client: CloudTrailClient,
    pacing: Partial<Pacing> = {},
  ) {
    this.pacing = {
      minIntervalMs: pacing.minIntervalMs ?? 550,
      sleep: pacing.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms))),
      now: pacing.now ?? (() => Date.now()),
    };
  }

  /** Every trail the region sees; a trail whose status or selectors cannot be read carries the error instead. */
  async snapshot(): Promise<TrailSnapshot[]> {
    const { trailList = [] } = await this.client.send(new DescribeTrailsCommand({ includeShadowTrails: true }));
    return Promise.all(
      trailList.map(async (trail): Promise<TrailSnapshot> => {
        const arn = trail.TrailARN ?? trail.Name ?? '';
        const base = {
          arn,
          name: trail.Name ?? arn,
          homeRegion: trail.HomeRegion ?? '',
          multiRegion: trail.IsMultiRegionTrail === true,
          organization: trail.IsOrganizationTrail === true,
        };
        try {
          const [status, selectors] = await Promise.all([
            this.client.send(new GetTrailStatusCommand({ Name: arn })),
            this.client.send(new GetEventSelectorsCommand({ TrailName: arn })),
          ]);
          return {
            ...base,
            status: statusOf(status),
            selectors: selectorsOf(selectors.EventSelectors, selectors.AdvancedEventSelectors),
          };
        } catch (error) {
          return { ...base, error: describe(error) };
        }
      }),
    );
  }

  /** Every page of events with this name in `[start, end)`, 50 per page, one call at a time. */
  async *lookup(query: LookupQuery): AsyncIterable<LookupPage> {
    let nextToken: string | undefined;
    do {
      await this.pace();
      const page = await this.client.send(
        new LookupEventsCommand({
          LookupAttributes: [
            'eventSource' in query
              ? { AttributeKey: 'EventSource', AttributeValue: query.eventSource }
              : { AttributeKey: 'EventName', AttributeValue: query.eventName },
          ],
          StartTime: query.start,
          EndTime: query.end,
          MaxResults: maxResults,
          ...(nextToken === undefined ? {} : { NextToken: nextToken }),
        }),
      );
      yield { Events: page.Events ?? [] };
      nextToken = page.NextToken === '' ? undefined : page.NextToken;
    } while (nextToken !== undefined);
  }

  private async pace(): Promise<void> {
    const wait = this.nextCallAt - this.pacing.now();
    if (wait > 0) await this.pacing.sleep(wait);
    this.nextCallAt = Math.max(this.pacing.now(), this.nextCallAt) + this.pacing.minIntervalMs;
  }
}

export { CloudTrailRegion, type EventLookup, type LookupPage, type LookupQuery, type TrailReader };
