import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';

/** A record that could not be read: where it came from, where in that input, why, and the record itself. */
type DeadLetter = {
  readonly provider: string;
  /** What was being read (a GCP resource name, an Azure workspace). */
  readonly resource: string;
  /** The input, e.g. `entries:list projects/p [10:00:00Z, 10:01:00Z) page 3`. */
  readonly source: string;
  /** Inside that input, e.g. `entries[17]`. */
  readonly location: string;
  readonly reason: string;
  readonly record: unknown;
};

/** The port pollers report unreadable records to; `send` resolves only when every letter is stored. */
type DeadLetterSink = { send(letters: readonly DeadLetter[]): Promise<void> };

/** Room left under SQS's 256 KiB message limit for the envelope fields. */
const maxRecordBytes = 200_000;

const bodyOf = (letter: DeadLetter, at: Date): string => {
  const text = JSON.stringify(letter.record) ?? String(letter.record);
  const fits = Buffer.byteLength(text) <= maxRecordBytes;
  return JSON.stringify({
    kind: 'unreadable-record',
    provider: letter.provider,
    resource: letter.resource,
    source: letter.source,
    location: letter.location,
    reason: letter.reason,
    reportedAt: at.toISOString(),
    ...(fits ? { record: letter.record } : { recordExcerpt: text.slice(0, maxRecordBytes / 4), recordTruncated: true }),
  });
};

/**
 * Unreadable records → the poller's SQS dead-letter queue (its depth alarm pages the operators), one message each:
 * such records are rare, and each stays a separate, replayable item.
 */
class SqsDeadLetterSink implements DeadLetterSink {
  constructor(
    private readonly client: SQSClient,
    private readonly queueUrl: string,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  async send(letters: readonly DeadLetter[]): Promise<void> {
    for (const letter of letters) {
      await this.client.send(
        new SendMessageCommand({
          QueueUrl: this.queueUrl,
          MessageBody: bodyOf(letter, this.clock()),
          MessageAttributes: {
            provider: { DataType: 'String', StringValue: letter.provider },
            kind: { DataType: 'String', StringValue: 'unreadable-record' },
          },
        }),
      );
    }
  }
}

export { type DeadLetter, type DeadLetterSink, SqsDeadLetterSink };
