import { describe, expect, it } from 'vitest';
import {
  maxMessageBytes,
  maxSubjectLength,
  messageBytes,
  toPrintableAscii,
  toSnsMessage,
} from '../../../../functions/core/findings/sns-message.js';
import { findingFactory } from '../../../helpers/finding-factory.js';

const receivedAt = new Date('2026-11-24T10:02:13.000Z');
const publishedAt = new Date('2026-11-24T10:02:13.250Z');

describe('toSnsMessage()', () => {
  it('writes a subject a person can read in an inbox', () => {
    // Act
    const message = toSnsMessage(findingFactory(), { receivedAt, publishedAt });
    // Assess
    expect(message.subject).toBe('[HIGH] aws 111122223333: AWS CloudTrail Logging Stopped');
  });

  it.each([
    { why: 'a long title', title: 'Very long '.repeat(30) },
    { why: 'non-ASCII and line breaks', title: 'Journalisation arrêtée\nsur le “trail” — 日本' },
  ])('keeps the subject printable ASCII and ≤ 99 characters with $why', ({ title }) => {
    // Act
    const { subject } = toSnsMessage(findingFactory({ rule: { title } }), { receivedAt, publishedAt });
    // Assess
    expect(subject.length).toBeLessThanOrEqual(maxSubjectLength);
    expect(subject).toMatch(/^[\x20-\x7e]+$/);
    if (title.length > 99) expect(subject.endsWith('...')).toBe(true);
  });

  it('folds accents rather than dropping letters', () => {
    expect(toPrintableAscii('arrêtée\tà\r\nl’heure')).toBe('arretee a l?heure');
  });

  it('sets the String attributes subscribers filter on, at most 10', () => {
    // Act
    const { attributes } = toSnsMessage(findingFactory(), { receivedAt, publishedAt });
    // Assess
    expect(attributes).toEqual({
      severity: 'high',
      rule: '6f1d2a7e-3c4b-4d5e-8f90-1a2b3c4d5e6f',
      provider: 'aws',
      technique: 'T1685.002',
      technique_legacy: 'T1562.008',
      account: '111122223333',
      outcome: 'success',
      kind: 'detection',
    });
    expect(Object.keys(attributes).length).toBeLessThanOrEqual(10);
  });

  it('leaves out an attribute without a value (SNS refuses empty values)', () => {
    const { attributes } = toSnsMessage(findingFactory({ target: { account: '' } }), { receivedAt, publishedAt });
    expect(attributes).not.toHaveProperty('account');
  });

  it('carries the finding, a human line and the latency stamps in the body', () => {
    // Prepare
    const finding = findingFactory();
    // Act
    const body = JSON.parse(
      toSnsMessage(finding, { receivedAt, publishedAt, repeats: { count: 3, since: '2026-11-24T09:00:00.000Z' } }).body,
    );
    // Assess
    expect(body).toMatchObject({ ...finding, raw: finding.raw });
    expect(body.alert).toBe(
      `[HIGH] AWS CloudTrail Logging Stopped: ${finding.summary} (3 more since 2026-11-24T09:00:00.000Z)`,
    );
    expect(body.delivery).toEqual({
      receivedAt: '2026-11-24T10:02:13.000Z',
      publishedAt: '2026-11-24T10:02:13.250Z',
      repeatsSincePublished: 3,
      repeatsSince: '2026-11-24T09:00:00.000Z',
    });
  });

  it('keeps an oversize message under 256 KiB with a raw excerpt and rawTruncated', () => {
    // Prepare
    const raw = {
      eventName: 'PutEventSelectors',
      eventID: 'e-1',
      userIdentity: { arn: 'arn:aws:iam::111122223333:user/bob' },
      requestParameters: {
        eventSelectors: Array.from({ length: 4_000 }, (_, i) => ({ name: `selector-${i}`, value: 'x'.repeat(60) })),
      },
      responseElements: { blob: 'y'.repeat(100_000) },
    };
    // Act
    const message = toSnsMessage(findingFactory({ raw }), { receivedAt, publishedAt });
    const body = JSON.parse(message.body);
    // Assess
    expect(messageBytes(message)).toBeLessThanOrEqual(maxMessageBytes);
    expect(body.rawTruncated).toBe(true);
    expect(body.raw).toMatchObject({ eventName: 'PutEventSelectors', eventID: 'e-1', userIdentity: raw.userIdentity });
    expect(JSON.stringify(body.raw)).toContain('[truncated:');
  });

  it('leaves a message within the limit untouched', () => {
    const body = JSON.parse(toSnsMessage(findingFactory(), { receivedAt, publishedAt }).body);
    expect(body.rawTruncated).toBe(false);
  });
});
