import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A local CloudTrail endpoint for the one operation moto lacks: `LookupEvents`, over the real AWS JSON 1.1 wire
 * protocol (POST /, `X-Amz-Target: CloudTrail_20131101.LookupEvents`, `application/x-amz-json-1.1`, epoch-second
 * timestamps, `__type` errors). It filters by the one lookup attribute and the time range, returns newest first in
 * pages of `MaxResults` (≤ 50) with an opaque `NextToken` bound to the query, and throttles like the real API: more than
 * `limit.requests` calls within `limit.perMs` get `ThrottlingException`.
 */

type CloudTrailRecord = Record<string, unknown>;
type StubRequest = { readonly at: number; readonly target: string; readonly body: Record<string, unknown> };
type LookupStub = {
  readonly endpoint: string;
  readonly requests: StubRequest[];
  /** How many calls were refused for the rate. */
  throttled(): number;
  setHistory(records: readonly CloudTrailRecord[]): void;
  stop(): Promise<void>;
};

const target = 'CloudTrail_20131101.LookupEvents';

const readBody = (request: IncomingMessage): Promise<string> =>
  new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });

const reply = (response: ServerResponse, status: number, body: unknown, errorType?: string): void => {
  response.writeHead(status, {
    'content-type': 'application/x-amz-json-1.1',
    'x-amzn-requestid': createHash('sha1').update(String(Math.random())).digest('hex').slice(0, 32),
    ...(errorType === undefined ? {} : { 'x-amzn-errortype': errorType }),
  });
  response.end(JSON.stringify(body));
};
const fail = (response: ServerResponse, status: number, type: string, message: string): void =>
  reply(response, status, { __type: type, message }, type);

const text = (value: unknown): string => (typeof value === 'string' ? value : '');
const identity = (record: CloudTrailRecord) => (record.userIdentity ?? {}) as Record<string, unknown>;
const usernameOf = (record: CloudTrailRecord): string => {
  const id = identity(record);
  const issuer = ((id.sessionContext as Record<string, unknown> | undefined)?.sessionIssuer ?? {}) as Record<
    string,
    unknown
  >;
  return text(id.userName) || text(text(id.arn).split('/').pop()) || text(issuer.userName);
};
const resourcesOf = (record: CloudTrailRecord) =>
  ((record.resources as { ARN?: string; type?: string }[] | undefined) ?? []).map((resource) => ({
    ResourceType: resource.type ?? '',
    ResourceName: resource.ARN ?? '',
  }));

const attributeMatches = (record: CloudTrailRecord, key: string, value: string): boolean => {
  switch (key) {
    case 'EventName':
      return record.eventName === value;
    case 'EventSource':
      return record.eventSource === value;
    case 'EventId':
      return record.eventID === value;
    case 'ReadOnly':
      return String(record.readOnly === true || record.readOnly === 'true') === value;
    case 'Username':
      return usernameOf(record) === value;
    case 'AccessKeyId':
      return identity(record).accessKeyId === value;
    case 'ResourceName':
      return resourcesOf(record).some((resource) => resource.ResourceName === value);
    case 'ResourceType':
      return resourcesOf(record).some((resource) => resource.ResourceType === value);
    default:
      return false;
  }
};

/** The API's event summary around the embedded record (the record itself travels as a JSON string). */
const summaryOf = (record: CloudTrailRecord) => ({
  EventId: record.eventID,
  EventName: record.eventName,
  ReadOnly: String(record.readOnly === true || record.readOnly === 'true'),
  AccessKeyId: identity(record).accessKeyId,
  EventTime: Date.parse(text(record.eventTime)) / 1000,
  EventSource: record.eventSource,
  Username: usernameOf(record),
  Resources: resourcesOf(record),
  CloudTrailEvent: JSON.stringify(record),
});

/**
 * Starts the stub on 127.0.0.1 and a free port.
 *
 * @example
 * const stub = await startLookupStub();
 * const client = new CloudTrailClient({ endpoint: stub.endpoint, region: 'us-east-1', credentials });
 */
const startLookupStub = async (limit = { requests: 2, perMs: 1_000 }): Promise<LookupStub> => {
  let history: CloudTrailRecord[] = [];
  const requests: StubRequest[] = [];
  const accepted: number[] = [];
  let throttled = 0;
  const server = createServer((request, response) => {
    void (async () => {
      const at = Date.now();
      const raw = await readBody(request);
      const name = String(request.headers['x-amz-target'] ?? '');
      let body: Record<string, unknown>;
      try {
        body = raw === '' ? {} : (JSON.parse(raw) as Record<string, unknown>);
      } catch {
        return fail(response, 400, 'SerializationException', 'body is not JSON');
      }
      requests.push({ at, target: name, body });
      if (request.method !== 'POST' || name !== target)
        return fail(response, 400, 'UnknownOperationException', `${name} is not served here`);
      if (accepted.filter((time) => at - time < limit.perMs).length >= limit.requests) {
        throttled += 1;
        return fail(response, 400, 'ThrottlingException', 'Rate exceeded');
      }
      accepted.push(at);
      const attributes =
        (body.LookupAttributes as { AttributeKey: string; AttributeValue: string }[] | undefined) ?? [];
      if (attributes.length > 1)
        return fail(
          response,
          400,
          'InvalidLookupAttributesException',
          'You cannot specify more than one lookup attribute.',
        );
      const maxResults = body.MaxResults === undefined ? 50 : Number(body.MaxResults);
      if (!Number.isInteger(maxResults) || maxResults < 1 || maxResults > 50)
        return fail(response, 400, 'InvalidMaxResultsException', 'MaxResults must be between 1 and 50.');
      const start = body.StartTime === undefined ? Number.NEGATIVE_INFINITY : Number(body.StartTime) * 1000;
      const end = body.EndTime === undefined ? Number.POSITIVE_INFINITY : Number(body.EndTime) * 1000;
      if (start > end) return fail(response, 400, 'InvalidTimeRangeException', 'StartTime is after EndTime.');
      const queryKey = createHash('sha256')
        .update(JSON.stringify([attributes, body.StartTime, body.EndTime, maxResults]))
        .digest('hex');
      let offset = 0;
      if (body.NextToken !== undefined) {
        const token = JSON.parse(Buffer.from(String(body.NextToken), 'base64').toString('utf8')) as {
          offset: number;
          key: string;
        };
        if (token.key !== queryKey)
          return fail(response, 400, 'InvalidNextTokenException', 'The token is not valid for these parameters.');
        offset = token.offset;
      }
      const found = history
        .filter((record) => {
          const time = Date.parse(text(record.eventTime));
          return time >= start && time <= end;
        })
        .filter((record) => attributes.every((a) => attributeMatches(record, a.AttributeKey, a.AttributeValue)))
        .sort((a, b) => Date.parse(text(b.eventTime)) - Date.parse(text(a.eventTime)));
      const page = found.slice(offset, offset + maxResults);
      const next = offset + maxResults < found.length;
      reply(response, 200, {
        Events: page.map(summaryOf),
        ...(next
          ? {
              NextToken: Buffer.from(JSON.stringify({ offset: offset + maxResults, key: queryKey })).toString('base64'),
            }
          : {}),
      });
    })().catch((error: unknown) => fail(response, 500, 'InternalFailure', String(error)));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    requests,
    throttled: () => throttled,
    setHistory: (records) => {
      history = [...records];
    },
    stop: () => new Promise((resolve) => server.close(() => resolve())),
  };
};

export { type LookupStub, startLookupStub };
