import { describe, expect, it } from 'vitest';
import type { CanaryWriter } from '../../functions/clients/ssm-canary.js';
import type { Finding } from '../../functions/core/findings/types.js';
import { arrivalKey } from '../../functions/tamper-evidence/canary-arrival.js';
import { runCanary, writesKey } from '../../functions/tamper-evidence/canary-run.js';
import { InMemoryCheckpointStore } from '../helpers/in-memory-checkpoint-store.js';
import { InMemoryDedupStore } from '../helpers/in-memory-dedup-store.js';
import { RecordingNotifier } from '../helpers/recording-notifier.js';
import { recordingTelemetry } from '../helpers/recording-telemetry.js';

const minute = 60_000;
const t0 = Date.parse('2026-11-24T10:00:00.400Z');
const account = '111122223333';

/** Records writes; `failing` regions throw as SSM would on AccessDenied. */
class RecordingWriter implements CanaryWriter {
  readonly writes: { region: string; value: string }[] = [];
  failing = new Set<string>();
  async write(region: string, value: string): Promise<void> {
    if (this.failing.has(region)) throw Object.assign(new Error('not authorized'), { name: 'AccessDeniedException' });
    this.writes.push({ region, value });
  }
}

const setup = () => {
  let now = t0;
  const writer = new RecordingWriter();
  const checkpoints = new InMemoryCheckpointStore();
  const notifier = new RecordingNotifier();
  const recorded = recordingTelemetry();
  const run = () =>
    runCanary(
      {
        account,
        regions: ['eu-west-1', 'us-east-1'],
        parameterName: 'tamperwatch-prod-canary',
        maxDelayMs: 10 * minute,
      },
      {
        writer,
        checkpoints,
        dedup: new InMemoryDedupStore(),
        notifier,
        clock: () => new Date(now),
        telemetry: recorded.telemetry,
      },
    );
  /** What the detector does when the canary event of `written` arrives. */
  const arrive = async (region: string, written: number) => {
    const key = arrivalKey(account, region);
    const previous = await checkpoints.read(key);
    await checkpoints.advance(
      key,
      previous,
      { position: new Date(Math.floor(written / 1000) * 1000).toISOString() },
      new Date(now),
    );
  };
  const findings = () => notifier.messages.map((message) => JSON.parse(message.body) as Finding);
  return {
    writer,
    checkpoints,
    recorded,
    run,
    arrive,
    findings,
    at: (ms: number) => {
      now = ms;
    },
  };
};

describe('Canary run', () => {
  it('writes the parameter in every region and remembers the write', async () => {
    // Prepare
    const { writer, run, checkpoints, recorded } = setup();
    // Act
    const reports = await run();
    // Assess
    expect(reports.map((report) => [report.region, report.verdict, report.written])).toEqual([
      ['eu-west-1', 'unknown', new Date(t0).toISOString()],
      ['us-east-1', 'unknown', new Date(t0).toISOString()],
    ]);
    expect(writer.writes.map((write) => write.region)).toEqual(['eu-west-1', 'us-east-1']);
    expect(JSON.parse((await checkpoints.read(writesKey(account, 'eu-west-1')))?.state ?? '{}')).toEqual({
      writes: [new Date(t0).toISOString()],
    });
    expect(recorded.total('CanaryWrites')).toBe(2);
  });

  it('raises nothing while the writes arrive within the delay', async () => {
    // Prepare
    const { run, arrive, findings, at } = setup();
    await run();
    await arrive('eu-west-1', t0);
    await arrive('us-east-1', t0);
    // Act
    at(t0 + 10 * minute);
    const reports = await run();
    // Assess
    expect(reports.map((report) => report.verdict)).toEqual(['arriving', 'arriving']);
    expect(findings()).toEqual([]);
  });

  it('raises "real-time path blind" for the region whose write never arrived, then the recovery', async () => {
    // Prepare
    const { run, arrive, findings, at } = setup();
    await run();
    await arrive('us-east-1', t0);
    // Act
    at(t0 + 10 * minute);
    const missing = await run();
    await arrive('eu-west-1', t0 + 10 * minute);
    await arrive('us-east-1', t0 + 10 * minute);
    at(t0 + 20 * minute);
    const back = await run();
    // Assess
    expect(missing.map((report) => report.verdict)).toEqual(['missing', 'arriving']);
    expect(back.map((report) => report.verdict)).toEqual(['arriving', 'arriving']);
    expect(findings().map((finding) => [finding.rule.name, finding.target.region, finding.severity])).toEqual([
      ['tamperwatch-canary-missing', 'eu-west-1', 'high'],
      ['tamperwatch-canary-restored', 'eu-west-1', 'high'],
    ]);
    expect(findings()[0]?.summary).toContain('real-time path blind in 111122223333/eu-west-1');
  });

  it('fails the region whose write fails, and still judges the others', async () => {
    // Prepare
    const { writer, run, recorded } = setup();
    writer.failing.add('eu-west-1');
    // Act
    const reports = await run();
    // Assess
    expect(reports[0]?.error).toContain('AccessDeniedException');
    expect(reports[1]?.error).toBeUndefined();
    expect(recorded.total('CanaryWriteErrors')).toBe(1);
  });
});
