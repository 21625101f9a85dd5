import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { defaultPollLimits } from '../../../functions/core/sources/azure/poll-query.js';
import { createAzurePollerHandler } from '../../../functions/handlers/azure-poller.js';
import { loadRules } from '../../../functions/load-rules.js';
import { AzurePollError } from '../../../functions/pollers/azure-poll.js';
import { FakeActivityLogs, FakeWorkspace } from '../../helpers/azure-workspace.js';
import { InMemoryCheckpointStore } from '../../helpers/in-memory-checkpoint-store.js';
import { InMemoryDedupStore } from '../../helpers/in-memory-dedup-store.js';
import { lambdaContext } from '../../helpers/lambda-context.js';
import { RecordingNotifier } from '../../helpers/recording-notifier.js';
import { fakePowertools } from '../../helpers/watchdog-powertools.js';

const { ruleSet } = loadRules([fileURLToPath(new URL('../../../rules/azure', import.meta.url))]);
const workspaceA = '11111111-1111-4111-8111-111111111111';
const workspaceB = '22222222-2222-4222-8222-222222222222';
const now = new Date('2026-11-24T10:30:00Z');

const build = (workspaces: string[]) => {
  const logs = new FakeActivityLogs();
  logs.workspaces.set(workspaceA, new FakeWorkspace());
  const checkpoints = new InMemoryCheckpointStore();
  for (const id of workspaces)
    checkpoints.seed(
      { provider: 'azure', resource: id },
      { position: new Date(now.getTime() - 300_000).toISOString() },
    );
  const powertools = fakePowertools();
  const queried: number[] = [];
  const handler = createAzurePollerHandler({
    workspaceIds: workspaces,
    operations: ruleSet.operations('azure'),
    limits: defaultPollLimits,
    maxThrottles: 3,
    ruleSet,
    suppressions: [],
    logs: {
      query: (id, request) => {
        queried.push(Date.now());
        return logs.query(id, request);
      },
    },
    checkpoints,
    deadLetters: { send: async () => undefined },
    dedup: new InMemoryDedupStore(),
    notifier: new RecordingNotifier(),
    clock: () => now,
    sleep: async () => undefined,
    logger: powertools.logger,
    metrics: powertools.metricsPort,
    reserveMs: 60_000,
  });
  return { handler, powertools, checkpoints, queried };
};

describe('Handler: azure-poller', () => {
  it('polls every workspace, logs a report for each, measures the lag and flushes the metrics', async () => {
    // Prepare
    const { handler, powertools } = build([workspaceA]);
    // Act
    const { workspaces } = await handler({}, { ...lambdaContext(), getRemainingTimeInMillis: () => 110_000 });
    // Assess
    expect(workspaces).toMatchObject([{ workspaceId: workspaceA, windows: 1, checkpoint: '2026-11-24T10:29:00.000Z' }]);
    expect(powertools.logs.map((l) => l.message)).toEqual(['workspace polled']);
    expect(powertools.metrics).toContainEqual(
      expect.objectContaining({ name: 'PollerLagSeconds', unit: 'Seconds', value: 60 }),
    );
    expect(powertools.flushes()).toBe(1);
  });

  it('fails the invocation when a workspace fails, after polling the others', async () => {
    // Prepare: workspace B does not exist in the fake, so its query throws.
    const { handler, powertools } = build([workspaceB, workspaceA]);
    // Act
    const attempt = handler({}, { ...lambdaContext(), getRemainingTimeInMillis: () => 110_000 });
    // Assess
    await expect(attempt).rejects.toThrow(AzurePollError);
    await expect(attempt).rejects.toThrow(/22222222-2222-4222-8222-222222222222: Error: workspace .* not found/);
    expect(powertools.logs.filter((l) => l.message === 'workspace polled')).toHaveLength(2);
    expect(powertools.flushes()).toBe(1);
  });

  it('keeps the reserve of the invocation time free: no query when less than that is left', async () => {
    // Prepare
    const { handler, queried, checkpoints } = build([workspaceA]);
    // Act
    await handler({}, { ...lambdaContext(), getRemainingTimeInMillis: () => 59_000 });
    // Assess
    expect(queried).toEqual([]);
    expect(checkpoints.writes).toEqual([]);
  });
});
