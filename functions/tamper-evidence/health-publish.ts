import { toSnsMessage } from '../core/findings/sns-message.js';
import type { Finding } from '../core/findings/types.js';
import type { PipelinePorts } from '../pipeline.js';
import { scopeKeyOf } from '../pipeline.js';

type HealthPublishResult = {
  readonly published: readonly string[];
  readonly duplicates: number;
  readonly failed: readonly { readonly findingId: string; readonly error: string }[];
};

const describe = (error: unknown): string =>
  error instanceof Error ? `${error.name}: ${error.message}` : String(error);

/**
 * Claim → publish → confirm for health findings (DESIGN §5.4): the same claims as detections, so a retried watchdog run
 * or a lasting problem within the hour does not alert twice. A failed publication releases its claim.
 *
 * @example
 * const result = await publishHealthFindings([finding], ports);
 * if (result.failed.length > 0) throw new Error('health finding not published');
 */
const publishHealthFindings = async (
  findings: readonly Finding[],
  ports: Pick<PipelinePorts, 'dedup' | 'notifier' | 'clock' | 'telemetry'>,
): Promise<HealthPublishResult> => {
  const now = ports.clock();
  const claimed = await Promise.all(
    findings.map(async (finding) => ({
      finding,
      claim: await ports.dedup.claim({ findingId: finding.id, scopeKey: scopeKeyOf(finding), now }),
    })),
  );
  const outgoing = claimed.flatMap(({ finding, claim }) => (claim === undefined ? [] : [{ finding, claim }]));
  const duplicates = claimed.length - outgoing.length;
  if (outgoing.length === 0) return { published: [], duplicates, failed: [] };
  const publishedAt = ports.clock();
  const results = await ports.notifier.publish(
    outgoing.map(({ finding, claim }) =>
      toSnsMessage(finding, { receivedAt: now, publishedAt, ...(claim.repeats && { repeats: claim.repeats }) }),
    ),
  );
  const published: string[] = [];
  const failed: { findingId: string; error: string }[] = [];
  for (const [index, { finding, claim }] of outgoing.entries()) {
    const result = results[index] ?? { ok: false as const, error: 'no publish result' };
    if (result.ok) {
      published.push(finding.id);
      await ports.dedup.confirm(claim, 'sent', ports.clock()).catch((error: unknown) => {
        ports.telemetry.warn('claim confirm failed', { finding: finding.id, error: describe(error) });
      });
    } else {
      failed.push({ findingId: finding.id, error: result.error });
      await ports.dedup.release(claim).catch((error: unknown) => {
        ports.telemetry.warn('claim release failed', { finding: finding.id, error: describe(error) });
      });
    }
  }
  if (published.length > 0) ports.telemetry.count('HealthFindings', published.length);
  return { published, duplicates, failed };
};

export { type HealthPublishResult, publishHealthFindings };
