import type { EventLookup, LookupPage, LookupQuery, TrailReader } from '../../functions/clients/cloudtrail.js';
import type { TrailSnapshot } from '../../functions/core/trail-health.js';

/**
 * CloudTrail in one region, in memory: `trails` is what DescribeTrails/GetTrailStatus/GetEventSelectors say, `history`
 * what LookupEvents finds (CloudTrail records). `lookups` records each call; pages hold `pageSize` events.
 */
class FakeCloudTrail implements TrailReader, EventLookup {
  trails: TrailSnapshot[] = [];
  history: Record<string, unknown>[] = [];
  readonly lookups: LookupQuery[] = [];
  failLookups = false;

  constructor(private readonly pageSize = 50) {}

  async snapshot(): Promise<TrailSnapshot[]> {
    return this.trails;
  }

  async *lookup(query: LookupQuery): AsyncIterable<LookupPage> {
    this.lookups.push(query);
    if (this.failLookups) throw Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });
    const found = this.history.filter((record) => {
      const time = Date.parse(String(record.eventTime));
      const matches =
        'eventSource' in query ? record.eventSource === query.eventSource : record.eventName === query.eventName;
      return matches && time >= query.start.getTime() && time < query.end.getTime();
    });
    for (let index = 0; index === 0 || index < found.length; index += this.pageSize) {
      yield {
        Events: found.slice(index, index + this.pageSize).map((record) => ({
          EventId: String(record.eventID),
          EventName: String(record.eventName),
          EventTime: new Date(String(record.eventTime)),
          EventSource: String(record.eventSource),
          CloudTrailEvent: JSON.stringify(record),
        })),
      };
    }
  }
}

export { FakeCloudTrail };
