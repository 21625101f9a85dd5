import { createHash } from 'node:crypto';
import type { AuditEvent } from './core/audit-event.js';
import { detect } from './core/detect.js';
import { toSnsMessage } from './core/findings/sns-message.js';
import type { Channel, Finding } from './core/findings/types.js';
import { InputError } from './core/formats/errors.js';
import { eventsFromValue } from './core/formats/read-input.js';
import { mapLimit } from './core/map-limit.js';
import type { RuleSet } from './core/sigma/rule-set.js';
import { expiryOf, type Suppression, suppressionFor } from './core/suppress.js';
import type { Notifier } from './notifier/sns-notifier.js';
import type { Claim, DedupStore } from './stores/dedup-store.js';

/** Metrics and warnings, as the pipeline needs them; the handler adapts Powertools to this. */
type Telemetry = {
  count(name: string, value: number, dimension?: { readonly name: string; readonly value: string }): void;
  milliseconds(name: string, value: number): void;
  warn(message: string, details: Readonly<Record<string, unknown>>): void;
};

type PipelinePorts = {
  readonly dedup: DedupStore;
  readonly notifier: Notifier;
  readonly clock: () => Date;
  readonly telemetry: Telemetry;
};

type PipelineOptions = {
  readonly ruleSet: RuleSet;
  readonly suppressions: readonly Suppression[];
  readonly channel: Channel;
};

type PipelineResult = {
  readonly findings: number;
  readonly published: readonly string[];
  readonly duplicates: number;
  readonly suppressed: number;
  /** Findings that could not be published; their claims were released and the caller must fail the record. */
  readonly failed: readonly { readonly findingId: string; readonly error: string }[];
};

/** Repeats are counted per rule and scope (actor and target), so a later alert can say "N more since …". */
const scopeKeyOf = (finding: Finding): string =>
  createHash('sha256')
    .update(
      JSON.stringify([
        finding.rule.id,
        finding.provider,
        finding.target.account,
        finding.actor.id,
        finding.target.resource,
      ]),
    )
    .digest('hex')
    .slice(0, 32);

const expiredNote = (entry: Suppression): string =>
  `suppression ${entry.id} (owner ${entry.owner}) expired at ${expiryOf(entry).toISOString()} and no longer applies`;

/**
 * Dedup calls (claims, releases, confirms) in flight at once in one pipeline run. A poll window or a backfill page can
 * hold hundreds of findings: one request each at once would exceed the AWS SDK client's 50 sockets and invite
 * throttling on the state table. 16 stays well below that, leaves sockets for the checkpoint store that shares the
 * client, and still claims 200 findings in about 13 round trips.
 */
const dedupConcurrency = 16;

const describe = (error: unknown): string =>
  error instanceof Error ? `${error.name}: ${error.message}` : String(error);

/** Claims every finding; if any claim fails, the ones made are released and the error is rethrown (the record retries). */
const claimAll = async (findings: readonly Finding[], dedup: DedupStore, now: Date): Promise<(Claim | undefined)[]> => {
  const settled = await mapLimit(findings, dedupConcurrency, (finding) =>
    dedup.claim({ findingId: finding.id, scopeKey: scopeKeyOf(finding), now }),
  );
  const rejected = settled.find((result): result is PromiseRejectedResult => result.status === 'rejected');
  if (rejected === undefined)
    return settled.map((result) => (result.status === 'fulfilled' ? result.value : undefined));
  const made = settled.flatMap((result) =>
    result.status === 'fulfilled' && result.value !== undefined ? [result.value] : [],
  );
  await mapLimit(made, dedupConcurrency, (claim) => dedup.release(claim));
  throw rejected.reason;
};

/**
 * An SQS message body (an EventBridge envelope, a `{"Records": […]}` document or a bare record) → events. Anything that
 * does not decode throws an {@link InputError}, which fails this record only; notices (digest files…) are returned.
 */
const decodeQueueBody = (body: string, source: string): { events: AuditEvent[]; notices: string[] } => {
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch (error) {
    throw new InputError('message body is not JSON', { source, location: 'body' }, { cause: error });
  }
  const items = eventsFromValue(value, source);
  const failure = items.find((item) => item.kind === 'error');
  if (failure !== undefined) throw failure.error;
  const events = items.flatMap((item) => (item.kind === 'event' ? [item.event] : []));
  const notices = items.flatMap((item) => (item.kind === 'notice' ? [`${item.location}: ${item.message}`] : []));
  if (events.length === 0 && notices.length === 0)
    throw new InputError('no audit record in the message', { source, location: 'body' });
  return { events, notices };
};

/**
 * detect → suppress → claim → publish → confirm, over injected ports (DESIGN §1.1, §5.4, §5.5). A finding whose
 * publication fails has its claim released and is returned in `failed`, so the caller fails exactly that record.
 *
 * @example
 * const result = await runPipeline(events, receivedAt, { ruleSet, suppressions, channel: 'realtime' }, ports);
 * if (result.failed.length > 0) throw new Error('retry this record');
 */
const runPipeline = async (
  events: readonly AuditEvent[],
  receivedAt: Date,
  options: PipelineOptions,
  ports: PipelinePorts,
): Promise<PipelineResult> => {
  const { telemetry, dedup } = ports;
  const now = ports.clock();
  const { findings, ruleErrors } = detect(events, options.ruleSet, now, options.channel);
  for (const error of ruleErrors) telemetry.warn('rule failed on an event', { ...error });
  if (ruleErrors.length > 0) telemetry.count('RuleRunErrors', ruleErrors.length);

  const verdicts = findings.map((finding) => suppressionFor(finding, options.suppressions, now));
  verdicts.forEach((verdict, index) => {
    for (const entry of verdict.expired) {
      telemetry.warn('expired suppression no longer applies', {
        suppression: entry.id,
        owner: entry.owner,
        finding: findings[index]?.id,
      });
      telemetry.count('SuppressionExpired', 1, { name: 'suppression', value: entry.id });
    }
  });

  const claims = await claimAll(findings, dedup, now);
  const duplicates = claims.filter((claim) => claim === undefined).length;
  if (duplicates > 0) telemetry.count('Duplicates', duplicates);

  let suppressed = 0;
  const outgoing: { finding: Finding; claim: Claim; notes: string[] }[] = [];
  for (const [index, finding] of findings.entries()) {
    const claim = claims[index];
    const verdict = verdicts[index];
    if (claim === undefined || verdict === undefined) continue;
    if (verdict.suppressedBy === undefined) {
      outgoing.push({ finding, claim, notes: verdict.expired.map(expiredNote) });
      continue;
    }
    suppressed += 1;
    telemetry.count('Suppressed', 1, { name: 'suppression', value: verdict.suppressedBy.id });
    await dedup.confirm(claim, 'suppressed', now).catch((error: unknown) => {
      telemetry.warn('claim confirm failed', { finding: finding.id, error: describe(error) });
    });
  }

  const publishedAt = ports.clock();
  const messages = outgoing.map(({ finding, claim, notes }) =>
    toSnsMessage(finding, { receivedAt, publishedAt, ...(claim.repeats && { repeats: claim.repeats }), notes }),
  );
  const results = messages.length === 0 ? [] : await ports.notifier.publish(messages);

  const published: string[] = [];
  const failed: { findingId: string; error: string }[] = [];
  // Each task records its outcome before its first await and tasks start in order, so `published` and `failed` keep
  // the order of the findings.
  const settled = await mapLimit(outgoing, dedupConcurrency, async ({ finding, claim }, index) => {
    const result = results[index] ?? { ok: false as const, error: 'no publish result' };
    if (!result.ok) {
      failed.push({ findingId: finding.id, error: result.error });
      await dedup
        .release(claim)
        .catch((error: unknown) =>
          telemetry.warn('claim release failed', { finding: finding.id, error: describe(error) }),
        );
      return;
    }
    published.push(finding.id);
    telemetry.milliseconds('ReceiveToPublish', publishedAt.getTime() - receivedAt.getTime());
    const eventTime = Date.parse(finding.event.time);
    if (!Number.isNaN(eventTime)) telemetry.milliseconds('EventToPublish', publishedAt.getTime() - eventTime);
    // The message is out: a failed confirm must not fail the record, or the retry could alert twice.
    await dedup.confirm(claim, 'sent', ports.clock()).catch((error: unknown) => {
      telemetry.warn('claim confirm failed', { finding: finding.id, error: describe(error) });
      telemetry.count('ConfirmErrors', 1);
    });
  });
  // A task rejects only when a telemetry or store call throws outside its promise; that fails the run.
  const crashed = settled.find((result): result is PromiseRejectedResult => result.status === 'rejected');
  if (crashed !== undefined) throw crashed.reason;
  if (published.length > 0) telemetry.count('Published', published.length);
  if (failed.length > 0) telemetry.count('PublishFailures', failed.length);
  return { findings: findings.length, published, duplicates, suppressed, failed };
};

export {
  decodeQueueBody,
  dedupConcurrency,
  type PipelineOptions,
  type PipelinePorts,
  type PipelineResult,
  runPipeline,
  scopeKeyOf,
  type Telemetry,
};
