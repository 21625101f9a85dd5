import { fileURLToPath } from 'node:url';
import { beforeEach, describe, expect, it } from 'vitest';
import type { DeadLetter } from '../../functions/clients/dead-letter-queue.js';
import { detect } from '../../functions/core/detect.js';
import { eventsFromValue } from '../../functions/core/formats/read-input.js';
import { defaultPollLimits } from '../../functions/core/sources/azure/poll-query.js';
import { loadRules } from '../../functions/load-rules.js';
import { type AzurePollPorts, type AzurePollSettings, pollAzure } from '../../functions/pollers/azure-poll.js';
import { activityRows, ruleCaseRecords } from '../helpers/azure-activity-rows.js';
import { type ActivityRow, FakeActivityLogs, FakeWorkspace } from '../helpers/azure-workspace.js';
import { InMemoryCheckpointStore } from '../helpers/in-memory-checkpoint-store.js';
import { InMemoryDedupStore } from '../helpers/in-memory-dedup-store.js';
import { RecordingNotifier } from '../helpers/recording-notifier.js';
import { recordingTelemetry } from '../helpers/recording-telemetry.js';

const { ruleSet } = loadRules([fileURLToPath(new URL('../../rules/azure', import.meta.url))]);
const findingsOf = (row: ActivityRow): number =>
  detect(
    eventsFromValue(row, 'row').flatMap((item) => (item.kind === 'event' ? [item.event] : [])),
    ruleSet,
    new Date(),
    'poll',
  ).findings.length;
// Rows from the Azure rule cases: those that fire a rule alone, and those that fire none.
const matching = activityRows(ruleCaseRecords(), 11).filter(({ final }) => findingsOf(final) > 0);
const benign = activityRows(ruleCaseRecords(), 12).filter(({ final }) => findingsOf(final) === 0);
const t0 = new Date('2026-11-24T10:00:00Z');
const minutes = (n: number): Date => new Date(t0.getTime() + n * 60_000);
const workspaceA = '11111111-1111-4111-8111-111111111111';
const workspaceB = '22222222-2222-4222-8222-222222222222';

const setup = (options: { partialAbove?: number } = {}) => {
  let now = minutes(0);
  const logs = new FakeActivityLogs();
  for (const id of [workspaceA, workspaceB]) logs.workspaces.set(id, new FakeWorkspace(options.partialAbove));
  const checkpoints = new InMemoryCheckpointStore();
  for (const id of [workspaceA, workspaceB])
    checkpoints.seed({ provider: 'azure', resource: id }, { position: t0.toISOString() });
  const recorded = recordingTelemetry();
  const errors: { message: string; details: Readonly<Record<string, unknown>> }[] = [];
  const gauges: { name: string; value: number }[] = [];
  const sleeps: number[] = [];
  const notifier = new RecordingNotifier();
  const letters: DeadLetter[] = [];
  const ports: AzurePollPorts = {
    logs,
    checkpoints,
    deadLetters: { send: async (sent) => void letters.push(...sent) },
    dedup: new InMemoryDedupStore(),
    notifier,
    clock: () => now,
    sleep: async (ms) => void sleeps.push(ms),
    telemetry: {
      ...recorded.telemetry,
      seconds: (name, value) => void gauges.push({ name, value }),
      error: (message, details) => void errors.push({ message, details }),
    },
  };
  const settings = (overrides: Partial<AzurePollSettings> = {}): AzurePollSettings => ({
    workspaceIds: [workspaceA, workspaceB],
    operations: ruleSet.operations('azure'),
    limits: defaultPollLimits,
    deadline: new Date(now.getTime() + 60_000),
    maxThrottles: 3,
    ruleSet,
    suppressions: [],
    ...overrides,
  });
  const workspace = (id: string) => logs.workspaces.get(id) as FakeWorkspace;
  const advance = (to: Date) => {
    now = to;
    for (const id of [workspaceA, workspaceB]) workspace(id).now = to;
  };
  const add = (id: string, row: ActivityRow, ingestedAt: Date, visibleAfterMs = 20_000) =>
    workspace(id).add(row, ingestedAt, visibleAfterMs);
  const publishedEventIds = () =>
    notifier.messages.map((m) => (JSON.parse(m.body) as { event: { id: string } }).event.id);
  return {
    letters,
    logs,
    checkpoints,
    ports,
    settings,
    advance,
    add,
    workspace,
    recorded,
    errors,
    gauges,
    sleeps,
    publishedEventIds,
  };
};

describe('pollAzure()', () => {
  let world: ReturnType<typeof setup>;
  beforeEach(() => {
    world = setup();
  });

  it('publishes the findings of each window and moves each checkpoint to its window end', async () => {
    // Prepare
    for (const [i, { final }] of matching.slice(0, 6).entries()) world.add(workspaceA, final, minutes(1 + i));
    for (const [i, { final }] of benign.slice(0, 4).entries()) world.add(workspaceB, final, minutes(1 + i));
    world.advance(minutes(10));
    // Act
    const reports = await pollAzure(world.settings(), world.ports);
    // Assess
    expect(reports.map((r) => [r.workspaceId, r.rows, r.published, r.checkpoint, r.error])).toEqual([
      [workspaceA, 6, expect.any(Number), minutes(9).toISOString(), undefined],
      [workspaceB, 4, 0, minutes(9).toISOString(), undefined],
    ]);
    expect(new Set(world.publishedEventIds())).toEqual(
      new Set(matching.slice(0, 6).map(({ final }) => final.EventDataId)),
    );
    expect(world.gauges).toEqual([{ name: 'PollerLagSeconds', value: 60 }]);
  });

  it('counts start records and never matches them', async () => {
    // Prepare
    world.add(workspaceA, matching[0]?.start as ActivityRow, minutes(1));
    world.advance(minutes(5));
    // Act
    const [report] = await pollAzure(world.settings({ workspaceIds: [workspaceA] }), world.ports);
    // Assess
    expect(report).toMatchObject({ rows: 1, startRecords: 1, events: 0, published: 0 });
  });

  it('halves a window on PartialFailure until it reads whole, and loses no row', async () => {
    // Prepare
    world = setup({ partialAbove: 5 });
    for (const [i, { final }] of matching.slice(0, 12).entries())
      world.add(workspaceA, final, new Date(t0.getTime() + 30_000 * (i + 1)));
    world.advance(minutes(10));
    // Act
    const [report] = await pollAzure(world.settings({ workspaceIds: [workspaceA] }), world.ports);
    // Assess
    expect(report?.partialFailures).toBeGreaterThan(0);
    expect(report?.error).toBeUndefined();
    expect(report?.checkpoint).toBe(minutes(9).toISOString());
    expect(new Set(world.publishedEventIds())).toEqual(
      new Set(matching.slice(0, 12).map(({ final }) => final.EventDataId)),
    );
  });

  it('fails the workspace rather than skip a window that fails at the minimum span', async () => {
    // Prepare
    world = setup({ partialAbove: 1 });
    for (const { final } of matching.slice(0, 3)) world.add(workspaceA, final, new Date(t0.getTime() + 1_000));
    world.advance(minutes(10));
    // Act
    const [report] = await pollAzure(world.settings({ workspaceIds: [workspaceA] }), world.ports);
    // Assess
    expect(report?.error).toMatch(/PartialFailure .* minimum span/);
    expect(report?.checkpoint).toBe(t0.toISOString());
    expect(world.publishedEventIds()).toEqual([]);
  });

  it('waits and asks again for the same window when throttled', async () => {
    // Prepare
    world.add(workspaceA, matching[0]?.final as ActivityRow, minutes(1));
    world.logs.throttleNext(2);
    world.advance(minutes(5));
    // Act
    const [report] = await pollAzure(world.settings({ workspaceIds: [workspaceA] }), world.ports);
    // Assess
    expect(report).toMatchObject({ throttles: 2, published: 1, checkpoint: minutes(4).toISOString() });
    expect(world.sleeps).toEqual([1_000, 2_000]);
  });

  it('gives a workspace up after too many throttles, keeps its checkpoint, and goes on with the next one', async () => {
    // Prepare
    world.add(workspaceB, matching[1]?.final as ActivityRow, minutes(1));
    world.logs.throttleNext(4);
    world.advance(minutes(5));
    // Act
    const [a, b] = await pollAzure(world.settings(), world.ports);
    // Assess
    expect(a).toMatchObject({
      throttles: 4,
      checkpoint: t0.toISOString(),
      error: expect.stringMatching(/throttled 4 times/),
    });
    expect(b).toMatchObject({ published: 1, checkpoint: minutes(4).toISOString(), error: undefined });
  });

  it('parks a malformed row in the DLQ with its location, counted once, also when the overlap reads it again', async () => {
    // Prepare
    const broken: ActivityRow = { ...(matching[0]?.final as ActivityRow), OperationNameValue: '' };
    world.add(workspaceA, broken, minutes(3.5));
    world.advance(minutes(5));
    await pollAzure(world.settings({ workspaceIds: [workspaceA] }), world.ports);
    world.advance(minutes(7));
    // Act
    const [again] = await pollAzure(world.settings({ workspaceIds: [workspaceA] }), world.ports);
    // Assess
    expect(world.errors).toEqual([
      {
        message: 'malformed row',
        details: {
          workspaceId: workspaceA,
          location: 'tables[0].rows[0]',
          error: expect.stringContaining('not an Azure'),
        },
      },
    ]);
    expect(again).toMatchObject({ malformedRows: 0, repeatedRows: 1 });
    expect(world.recorded.total('MalformedRows')).toBe(1);
    expect(world.letters).toEqual([
      {
        provider: 'azure',
        resource: workspaceA,
        source: expect.stringMatching(new RegExp(`^azure:${workspaceA}:`)),
        location: 'tables[0].rows[0]',
        reason: expect.stringContaining('not an Azure Activity Log record'),
        record: expect.objectContaining({ OperationNameValue: '', EventDataId: broken.EventDataId }),
      },
    ]);
  });

  it('reads a row indexed late through the overlap, and does not run rows already read again', async () => {
    // Prepare: the second row was ingested inside the first window but becomes queryable only after that run.
    world.add(workspaceA, matching[0]?.final as ActivityRow, minutes(2.5));
    world.add(workspaceA, matching[1]?.final as ActivityRow, minutes(3.5), 100_000);
    world.advance(minutes(5));
    const [first] = await pollAzure(world.settings({ workspaceIds: [workspaceA] }), world.ports);
    world.advance(minutes(7));
    // Act
    const [second] = await pollAzure(world.settings({ workspaceIds: [workspaceA] }), world.ports);
    // Assess
    expect(first).toMatchObject({ rows: 1, published: 1, checkpoint: minutes(4).toISOString() });
    expect(second).toMatchObject({ rows: 2, repeatedRows: 1, events: 1, published: 1, duplicateFindings: 0 });
    expect(world.publishedEventIds()).toEqual([matching[0]?.final.EventDataId, matching[1]?.final.EventDataId]);
  });

  it('keeps the checkpoint when a finding was not published, and publishes it on the next run', async () => {
    // Prepare
    world.add(workspaceA, matching[0]?.final as ActivityRow, minutes(1));
    world.advance(minutes(5));
    (world.ports.notifier as RecordingNotifier).failNext(1);
    const [failed] = await pollAzure(world.settings({ workspaceIds: [workspaceA] }), world.ports);
    world.advance(minutes(7));
    // Act
    const [retried] = await pollAzure(world.settings({ workspaceIds: [workspaceA] }), world.ports);
    // Assess
    expect(failed).toMatchObject({ checkpoint: t0.toISOString(), error: expect.stringMatching(/not published/) });
    expect(retried).toMatchObject({ published: 1, checkpoint: minutes(6).toISOString(), error: undefined });
    expect(world.publishedEventIds()).toEqual([matching[0]?.final.EventDataId]);
  });

  it('starts no query after the deadline and reports the lag', async () => {
    // Prepare
    world.advance(minutes(30));
    // Act
    const reports = await pollAzure(world.settings({ deadline: minutes(30) }), world.ports);
    // Assess
    expect(world.workspace(workspaceA).queries).toEqual([]);
    expect(reports.map((r) => r.checkpoint)).toEqual([t0.toISOString(), t0.toISOString()]);
    expect(world.gauges).toEqual([{ name: 'PollerLagSeconds', value: 1_800 }]);
  });

  it('catches up in windows of at most 15 minutes', async () => {
    // Prepare
    world.advance(minutes(40));
    // Act
    const [report] = await pollAzure(world.settings({ workspaceIds: [workspaceA] }), world.ports);
    // Assess
    expect(report).toMatchObject({ windows: 3, checkpoint: minutes(39).toISOString() });
    expect(world.checkpoints.writes.map((w) => w.position)).toEqual(
      [minutes(15), minutes(30), minutes(39)].map((date) => date.toISOString()),
    );
  });
});
