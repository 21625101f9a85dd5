import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { detect } from '../../functions/core/detect.js';
import { toSnsMessage } from '../../functions/core/findings/sns-message.js';
import { loadRules } from '../../functions/load-rules.js';
import { decodeQueueBody } from '../../functions/pipeline.js';
import { cloudTrailRecord } from '../helpers/cloudtrail-event-factory.js';

const { ruleSet } = loadRules([fileURLToPath(new URL('../../rules/aws', import.meta.url))]);
const now = new Date('2026-12-01T10:05:00Z');

const member = { account: '444455556666', region: 'ap-southeast-2' };
const security = { account: '111122223333', region: 'eu-west-1' };

/** StopLogging as CloudTrail records it in the member account and region. */
const memberRecord = (): Record<string, unknown> =>
  JSON.parse(
    JSON.stringify(cloudTrailRecord({ eventID: 'a3b5c7d9-0000-4000-8000-000000000001' }))
      .replaceAll(security.account, member.account)
      .replaceAll(security.region, member.region),
  );

/**
 * What the central bus delivers to the ingest queue. EventBridge keeps the source event's `account` and `region` when a
 * rule forwards it to another bus (`real`); moto rewrites them to the central bus's (`moto`). Neither touches `detail`.
 */
const envelopes = {
  real: { account: member.account, region: member.region },
  moto: { region: security.region },
};

const findingsOf = (envelope: Record<string, unknown>) => {
  const body = JSON.stringify({
    version: '0',
    id: 'eb-forwarded',
    'detail-type': 'AWS API Call via CloudTrail',
    source: 'aws.cloudtrail',
    time: '2026-12-01T10:02:11Z',
    resources: [],
    ...envelope,
    detail: memberRecord(),
  });
  const { events } = decodeQueueBody(body, 'sqs:m-1');
  return detect(events, ruleSet, now, 'realtime').findings;
};

describe.each(Object.entries(envelopes))(
  'a CloudTrail event forwarded across accounts and regions (%s envelope)',
  (_, envelope) => {
    it('becomes a finding that names the member account and region, not the central ones', () => {
      // Act
      const findings = findingsOf(envelope);
      // Assess
      expect(findings.map((finding) => finding.rule.name)).toContain('cloudtrail-logging-tampered');
      for (const finding of findings) {
        expect(finding.target).toMatchObject({ account: member.account, region: member.region });
        expect(JSON.stringify(finding.target)).not.toContain(security.account);
      }
    });

    it('carries the member account in the SNS `account` attribute and subject, for per-team filter policies', () => {
      // Act
      const [finding] = findingsOf(envelope);
      const message = toSnsMessage(finding as NonNullable<typeof finding>, { receivedAt: now, publishedAt: now });
      // Assess
      expect(message.attributes.account).toBe(member.account);
      expect(message.subject).toContain(member.account);
      expect(JSON.parse(message.body).target.region).toBe(member.region);
    });
  },
);
