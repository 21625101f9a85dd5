import type { AuditEvent } from '../core/audit-event.js';
import { CheckpointConflictError, type CheckpointStore } from '../stores/checkpoint-port.js';

type ArrivalPorts = {
  readonly checkpoints: CheckpointStore;
  /** Emits `Heartbeat` (1) and `CanaryLatencySeconds` for the region (the detector's metrics, DESIGN §9.1). */
  readonly heartbeat: (region: string, latencySeconds: number) => void;
};

/** Written by the detector when a canary event arrives; `position` = the newest arrived canary event's time. */
const arrivalKey = (account: string, region: string) => ({ provider: 'canary', resource: `${account}/${region}` });

/** Moves the arrival checkpoint forward to `time`, never back; one retry when another batch wrote meanwhile. */
const advanceArrival = async (
  checkpoints: CheckpointStore,
  key: ReturnType<typeof arrivalKey>,
  time: string,
  now: Date,
) => {
  for (let attempt = 0; attempt < 2; attempt += 1) {
    const previous = await checkpoints.read(key);
    if (previous !== undefined && Date.parse(previous.position) >= Date.parse(time)) return;
    try {
      await checkpoints.advance(key, previous, { position: time }, now);
      return;
    } catch (error) {
      if (!(error instanceof CheckpointConflictError) || attempt === 1) throw error;
    }
  }
};

/**
 * The detector's side of the canary: each canary event is a heartbeat, not a finding. It emits the metrics and records
 * the newest arrival per account and region for the canary's next judgement. Returns how many canary events it saw.
 *
 * @example
 * const { canary, rest } = splitCanary(events, canaryRule);
 * await recordCanaryArrivals(canary, receivedAt, { checkpoints, heartbeat });
 */
const recordCanaryArrivals = async (
  events: readonly AuditEvent[],
  receivedAt: Date,
  ports: ArrivalPorts,
): Promise<number> => {
  const newest = new Map<string, { account: string; region: string; time: string }>();
  for (const event of events) {
    const eventTime = Date.parse(event.time);
    if (Number.isNaN(eventTime)) continue;
    ports.heartbeat(event.region, Math.max(0, (receivedAt.getTime() - eventTime) / 1000));
    const id = `${event.scope.id}/${event.region}`;
    const known = newest.get(id);
    if (known === undefined || Date.parse(known.time) < eventTime)
      newest.set(id, { account: event.scope.id, region: event.region, time: new Date(eventTime).toISOString() });
  }
  for (const { account, region, time } of newest.values())
    await advanceArrival(ports.checkpoints, arrivalKey(account, region), time, receivedAt);
  return events.length;
};

export { type ArrivalPorts, arrivalKey, recordCanaryArrivals };
