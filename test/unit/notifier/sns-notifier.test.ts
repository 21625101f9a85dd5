import type { PublishBatchCommand, PublishBatchCommandOutput, SNSClient } from '@aws-sdk/client-sns';
import { describe, expect, it } from 'vitest';
import type { SnsMessage } from '../../../functions/core/findings/sns-message.js';
import { packBatches, publishConcurrency, SnsNotifier } from '../../../functions/notifier/sns-notifier.js';

const message = (n: number, bodyBytes = 100): SnsMessage => ({
  subject: `[HIGH] aws 111122223333: finding ${n}`,
  body: 'x'.repeat(bodyBytes),
  attributes: { severity: 'high', provider: 'aws' },
});

type Reply = (command: PublishBatchCommand) => Promise<Partial<PublishBatchCommandOutput>>;

/** A stand-in SNS client: records each PublishBatch input and answers with `reply`. */
const fakeClient = (reply: Reply) => {
  const calls: PublishBatchCommand['input'][] = [];
  const client = {
    send: async (command: PublishBatchCommand) => {
      calls.push(command.input);
      return reply(command);
    },
  } as unknown as SNSClient;
  return { client, calls };
};

const allSucceed: Reply = async (command) => ({
  Successful: (command.input.PublishBatchRequestEntries ?? []).map((entry) => ({
    Id: entry.Id,
    MessageId: `id-${entry.Id}`,
  })),
  Failed: [],
});

describe('SnsNotifier', () => {
  it('publishes in batches of at most 10 entries', async () => {
    // Prepare
    const { client, calls } = fakeClient(allSucceed);
    // Act
    const results = await new SnsNotifier(client, 'arn:aws:sns:us-east-1:111122223333:t').publish(
      Array.from({ length: 25 }, (_, i) => message(i)),
    );
    // Assess
    expect(calls.map((call) => call.PublishBatchRequestEntries?.length)).toEqual([10, 10, 5]);
    expect(results.every((result) => result.ok)).toBe(true);
    expect(calls[0]?.PublishBatchRequestEntries?.[0]).toEqual({
      Id: 'm0',
      Subject: '[HIGH] aws 111122223333: finding 0',
      Message: 'x'.repeat(100),
      MessageAttributes: {
        severity: { DataType: 'String', StringValue: 'high' },
        provider: { DataType: 'String', StringValue: 'aws' },
      },
    });
  });

  it('keeps at most publishConcurrency PublishBatch calls in flight, and publishes every message', async () => {
    // Prepare
    let inFlight = 0;
    let peak = 0;
    const { client, calls } = fakeClient(async (command) => {
      inFlight += 1;
      peak = Math.max(peak, inFlight);
      await new Promise((resolve) => setTimeout(resolve, 1));
      inFlight -= 1;
      return allSucceed(command);
    });
    // Act
    const results = await new SnsNotifier(client, 'arn:aws:sns:us-east-1:111122223333:t').publish(
      Array.from({ length: 1_000 }, (_, i) => message(i)),
    );
    // Assess
    expect(calls).toHaveLength(100);
    expect(peak).toBe(publishConcurrency);
    expect(results.map((result) => result.ok && result.messageId)).toEqual(
      Array.from({ length: 1_000 }, (_, i) => `id-m${i}`),
    );
  });

  it('keeps each batch within 256 KiB in total', () => {
    // Act
    const batches = packBatches(Array.from({ length: 5 }, (_, i) => message(i, 100_000)));
    // Assess
    expect(batches).toEqual([[0, 1], [2, 3], [4]]);
  });

  it('reports per-entry failures inside a 200 response', async () => {
    // Prepare
    const { client } = fakeClient(async () => ({
      Successful: [{ Id: 'm0', MessageId: 'a' }],
      Failed: [{ Id: 'm1', Code: 'InternalError', SenderFault: false, Message: 'try again' }],
    }));
    // Act
    const results = await new SnsNotifier(client, 'arn:aws:sns:us-east-1:111122223333:t').publish([
      message(0),
      message(1),
    ]);
    // Assess
    expect(results).toEqual([
      { ok: true, messageId: 'a' },
      { ok: false, error: 'InternalError: try again' },
    ]);
  });

  it('fails every message of a batch whose call throws, and only those', async () => {
    // Prepare
    let call = 0;
    const { client } = fakeClient(async (command) => {
      call += 1;
      if (call === 1) throw Object.assign(new Error('Topic does not exist'), { name: 'NotFoundException' });
      return allSucceed(command);
    });
    // Act
    const results = await new SnsNotifier(client, 'arn:aws:sns:us-east-1:111122223333:t').publish(
      Array.from({ length: 12 }, (_, i) => message(i)),
    );
    // Assess
    expect(results.filter((result) => !result.ok)).toHaveLength(10);
    expect(results[0]).toEqual({ ok: false, error: 'NotFoundException: Topic does not exist' });
    expect(results[11]?.ok).toBe(true);
  });

  it('treats an entry missing from the response as failed', async () => {
    const { client } = fakeClient(async () => ({ Successful: [], Failed: [] }));
    const [result] = await new SnsNotifier(client, 'arn:aws:sns:us-east-1:111122223333:t').publish([message(0)]);
    expect(result?.ok).toBe(false);
  });
});
