/**
 * $ per million CloudTrail management events for the real-time AWS path, from measured durations and published unit
 * prices. Every assumption is listed in `assumptions` and printed with the table.
 */
const prices = {
  date: '2026-12-01',
  region: 'us-east-1 (N. Virginia), list prices, no free tier',
  lambdaArmGbSecond: 0.0000133334,
  lambdaRequest: 0.2 / 1e6,
  sqsRequest: 0.4 / 1e6,
  snsPublish: 0.5 / 1e6,
  dynamoWriteUnit: 0.625 / 1e6,
  dynamoReadUnit: 0.125 / 1e6,
  eventBridgeCrossAccount: 1.0 / 1e6,
  guardDutyManagementEvent: 4.0 / 1e6,
} as const;

const sources = [
  'Lambda: https://aws.amazon.com/lambda/pricing/ (arm64 $0.0000133334 per GB-s, first 7.5 billion GB-s; $0.20 per million requests)',
  'SQS: https://aws.amazon.com/sqs/pricing/ (standard queue $0.40 per million requests; each 64 KiB chunk is a request)',
  'SNS: https://aws.amazon.com/sns/pricing/ (standard topic $0.50 per million publishes, PublishBatch counts each message; delivery to SQS free)',
  'DynamoDB: https://aws.amazon.com/dynamodb/pricing/on-demand/ ($0.625 per million write request units, $0.125 per million read request units, since 2024-11-01)',
  'EventBridge: https://aws.amazon.com/eventbridge/pricing/ (AWS management events ingested free; events sent to another account’s bus billed as custom events, $1.00 per million)',
  'GuardDuty: https://aws.amazon.com/guardduty/pricing/ (CloudTrail management event analysis $4.00 per million, first 500 million per month)',
];

type CostInputs = {
  /** Warm handler duration for a batch of 10 quiet events (measured on the real bundle, this machine), ms. */
  readonly quietBatch10Ms: number;
  /** Warm handler duration for a batch of 1 quiet event, ms. */
  readonly quietBatch1Ms: number;
  /** Extra handler time per new finding: DynamoDB claim + read, SNS publish, two confirms (emulator), ms. */
  readonly perFindingMs: number;
  /** Share of management events the EventBridge prefilter passes to the queue (0..1). */
  readonly passFraction: number;
  /** Findings per CloudTrail event (0..1); every matching event passes the prefilter. */
  readonly findingsPerEvent: number;
  readonly memoryMb: number;
  /** Local single-core time × this = Lambda time at `memoryMb` (CPU share is memory / 1769 MB). */
  readonly cpuScale: number;
};

type CostLine = { readonly item: string; readonly dollars: number };
type CostScenario = { readonly name: string; readonly lines: readonly CostLine[]; readonly total: number };

const scenario = (name: string, inputs: CostInputs, batch: 1 | 10, crossAccount: boolean): CostScenario => {
  const events = 1e6 * inputs.passFraction;
  const invocations = events / batch;
  const findings = 1e6 * inputs.findingsPerEvent;
  const quietMs = (batch === 10 ? inputs.quietBatch10Ms : inputs.quietBatch1Ms) * inputs.cpuScale;
  const billedMs = Math.ceil(quietMs) * invocations + inputs.perFindingMs * findings;
  const gbSeconds = (billedMs / 1_000) * (inputs.memoryMb / 1_024);
  const lines: CostLine[] = [
    {
      item: 'EventBridge (member bus → central bus)',
      dollars: crossAccount ? events * prices.eventBridgeCrossAccount : 0,
    },
    { item: 'SQS (send + receive/delete per batch)', dollars: (events + 2 * invocations) * prices.sqsRequest },
    { item: 'Lambda requests', dollars: invocations * prices.lambdaRequest },
    { item: 'Lambda duration (arm64)', dollars: gbSeconds * prices.lambdaArmGbSecond },
    {
      item: 'DynamoDB (3 WRU + 1 RRU per finding)',
      dollars: findings * (3 * prices.dynamoWriteUnit + prices.dynamoReadUnit),
    },
    { item: 'SNS publish (1 per finding)', dollars: findings * prices.snsPublish },
  ];
  return { name, lines, total: lines.reduce((sum, line) => sum + line.dollars, 0) };
};

/** Scenarios: prefiltered vs every event forwarded; full batches (busy) vs batches of one (quiet account). */
const costModel = (inputs: CostInputs) => {
  const everything = { ...inputs, passFraction: 1 };
  return {
    prices,
    sources,
    inputs,
    guardDutyPerMillion: 1e6 * prices.guardDutyManagementEvent,
    scenarios: [
      scenario(
        `prefilter passes ${(inputs.passFraction * 100).toFixed(1)} %, batches of 10, cross-account`,
        inputs,
        10,
        true,
      ),
      scenario(
        `prefilter passes ${(inputs.passFraction * 100).toFixed(1)} %, batches of 1, cross-account`,
        inputs,
        1,
        true,
      ),
      scenario('every event forwarded (no prefilter), batches of 10, cross-account', everything, 10, true),
      scenario('every event forwarded (no prefilter), batches of 1, cross-account', everything, 1, true),
      scenario('every event, batches of 10, detector in the same account', everything, 10, false),
    ],
    assumptions: [
      `prices: ${prices.region}, as published on the pages below on ${prices.date}`,
      `Lambda: ${inputs.memoryMb} MB arm64 as the stack deploys it; CPU-bound time measured on one local core × ${inputs.cpuScale.toFixed(2)} (Lambda gives ${inputs.memoryMb} / 1,769 of a vCPU), billed per started ms per invocation`,
      `per finding: ${inputs.perFindingMs.toFixed(0)} ms of I/O wait (claim PutItem + GetItem, PublishBatch entry, two UpdateItems) from the emulator run; real AWS round trips are usually shorter`,
      `findings: ${(inputs.findingsPerEvent * 100).toFixed(2)} % of all CloudTrail events (the bench mix, deliberately high; all of them pass the prefilter)`,
      'SQS: one SendMessage per event (EventBridge target), one ReceiveMessage and one DeleteMessageBatch per batch; the event source mapping’s idle long polls are a fixed monthly cost, not per event',
      'SNS: subscriber deliveries (e-mail, HTTPS) are extra and depend on the subscribers; SQS subscribers are free',
      'not included: CloudWatch Logs ingestion of the function’s logs, KMS requests for the encrypted topic, data transfer',
    ],
  };
};

type CostModel = ReturnType<typeof costModel>;

export { type CostInputs, type CostModel, costModel };
