import { PublishBatchCommand, type PublishBatchRequestEntry, type SNSClient } from '@aws-sdk/client-sns';
import { maxMessageBytes, messageBytes, type SnsMessage } from '../core/findings/sns-message.js';
import { mapLimit } from '../core/map-limit.js';

/** The outcome for one message, in the order the messages were given. */
type PublishResult = { readonly ok: true; readonly messageId: string } | { readonly ok: false; readonly error: string };

/** The notifier port: publishes messages, reports each one's result; it never throws for a failed message. */
type Notifier = { publish(messages: readonly SnsMessage[]): Promise<PublishResult[]> };

const maxEntries = 10;

/** Packs messages, in order, into batches of ≤ 10 entries and ≤ 256 KiB in total (entry ids counted too). */
const packBatches = (messages: readonly SnsMessage[]): number[][] => {
  const batches: number[][] = [];
  let current: number[] = [];
  let bytes = 0;
  messages.forEach((message, index) => {
    const size = messageBytes(message) + `m${index}`.length;
    if (current.length > 0 && (current.length === maxEntries || bytes + size > maxMessageBytes)) {
      batches.push(current);
      current = [];
      bytes = 0;
    }
    current.push(index);
    bytes += size;
  });
  if (current.length > 0) batches.push(current);
  return batches;
};

const toEntry = (message: SnsMessage, index: number): PublishBatchRequestEntry => ({
  Id: `m${index}`,
  Subject: message.subject,
  Message: message.body,
  MessageAttributes: Object.fromEntries(
    Object.entries(message.attributes).map(([name, value]) => [name, { DataType: 'String', StringValue: value }]),
  ),
});

/** PublishBatch calls in flight at once: a backfill of thousands of findings stays well inside the client's 50 sockets. */
const publishConcurrency = 8;

const describe = (error: unknown): string =>
  error instanceof Error ? `${error.name}: ${error.message}` : String(error);

/**
 * SNS `PublishBatch` notifier. A 200 response can still hold failed entries, and a failed call fails its whole batch:
 * either way each message gets its own result, so the caller fails exactly the records behind unpublished findings.
 *
 * @example
 * const notifier = new SnsNotifier(new SNSClient({}), config.topicArn);
 * const results = await notifier.publish(messages); // results[i].ok for messages[i]
 */
class SnsNotifier implements Notifier {
  constructor(
    private readonly client: SNSClient,
    private readonly topicArn: string,
  ) {}

  async publish(messages: readonly SnsMessage[]): Promise<PublishResult[]> {
    const results: PublishResult[] = messages.map(() => ({ ok: false, error: 'not attempted' }));
    // Each task settles by itself (a failed call marks its batch), so the settled results carry nothing more.
    await mapLimit(packBatches(messages), publishConcurrency, async (batch) => {
      try {
        const response = await this.client.send(
          new PublishBatchCommand({
            TopicArn: this.topicArn,
            PublishBatchRequestEntries: batch.map((index) => toEntry(messages[index] as SnsMessage, index)),
          }),
        );
        for (const entry of response.Successful ?? []) {
          results[Number(entry.Id?.slice(1))] = { ok: true, messageId: entry.MessageId ?? '' };
        }
        for (const entry of response.Failed ?? []) {
          results[Number(entry.Id?.slice(1))] = {
            ok: false,
            error: `${entry.Code ?? 'Failed'}: ${entry.Message ?? ''}`,
          };
        }
      } catch (error) {
        for (const index of batch) results[index] = { ok: false, error: describe(error) };
      }
    });
    return results;
  }
}

export { type Notifier, type PublishResult, packBatches, publishConcurrency, SnsNotifier };
