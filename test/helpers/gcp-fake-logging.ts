import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  type EntriesPage,
  type EntriesRequest,
  GcpApiError,
  type LogEntrySource,
} from '../../functions/clients/gcp-logging.js';
import type { JsonObject } from './gcp-log-entries.js';

type ListRequest = {
  readonly resourceNames?: readonly string[];
  readonly filter?: string;
  readonly orderBy?: string;
  readonly pageSize?: number;
  readonly pageToken?: string;
};
type ListReply = { readonly status: number; readonly body: unknown };
type StoredEntry = { readonly entry: JsonObject; readonly resource: string; readonly visibleAtMs: number };
type Fault = { readonly status: number; remaining: number; readonly when: (request: ListRequest) => boolean };
type Criterion = (entry: JsonObject) => boolean;

const text = (entry: JsonObject, key: string): string => (typeof entry[key] === 'string' ? (entry[key] as string) : '');
const payloadText = (entry: JsonObject, key: string): string => {
  const payload = entry.protoPayload;
  if (typeof payload !== 'object' || payload === null) return '';
  const value = (payload as JsonObject)[key];
  return typeof value === 'string' ? value.toLowerCase() : '';
};
const quoted = (list: string): string[] =>
  [...list.matchAll(/"((?:[^"\\]|\\.)*)"/g)].map((m) => (m[1] ?? '').toLowerCase());
const time = (value: string): number => Date.parse(value);

const clauses: readonly [RegExp, (value: string) => Criterion][] = [
  [/^logName:"(.+)"$/, (v) => (e) => text(e, 'logName').toLowerCase().includes(v.toLowerCase())],
  [
    /^\(logName:"(.+)"\)$/,
    (v) => {
      const needles = v.split('" OR logName:"').map((needle) => needle.toLowerCase());
      return (e) => needles.some((needle) => text(e, 'logName').toLowerCase().includes(needle));
    },
  ],
  [/^receiveTimestamp>="(.+)"$/, (v) => (e) => time(text(e, 'receiveTimestamp')) >= time(v)],
  [/^receiveTimestamp<"(.+)"$/, (v) => (e) => time(text(e, 'receiveTimestamp')) < time(v)],
  [/^timestamp>="(.+)"$/, (v) => (e) => time(text(e, 'timestamp')) >= time(v)],
  [
    /^protoPayload\.methodName=\((.*)\)$/,
    (v) => {
      const names = new Set(quoted(v)); // string comparisons ignore case
      return (e) => names.has(payloadText(e, 'methodName'));
    },
  ],
];

/** The filter grammar the poller writes (Logging query language subset); anything else is a 400, as a typo would be. */
const parseFilter = (filter: string): Criterion[] | undefined => {
  const criteria: Criterion[] = [];
  for (const part of filter.split(' AND ')) {
    const clause = clauses
      .map(([pattern, make]) => ({ match: pattern.exec(part), make }))
      .find(({ match }) => match !== null);
    if (clause?.match === undefined || clause.match === null) return undefined;
    criteria.push(clause.make(clause.match[1] ?? ''));
  }
  return criteria;
};

const order = (a: StoredEntry, b: StoredEntry): number =>
  time(text(a.entry, 'timestamp')) - time(text(b.entry, 'timestamp')) ||
  text(a.entry, 'insertId').localeCompare(text(b.entry, 'insertId'));
const cursorOf = (entry: StoredEntry): string =>
  Buffer.from(JSON.stringify([text(entry.entry, 'timestamp'), text(entry.entry, 'insertId')])).toString('base64url');
const afterCursor = (token: string) => {
  const [t, id] = JSON.parse(Buffer.from(token, 'base64url').toString()) as [string, string];
  return (entry: StoredEntry) =>
    time(text(entry.entry, 'timestamp')) > time(t) ||
    (time(text(entry.entry, 'timestamp')) === time(t) && text(entry.entry, 'insertId') > id);
};
const apiError = (status: number, reason: string, message: string): ListReply => ({
  status,
  body: { error: { code: status, message, status: reason } },
});

/**
 * The Logging API's `entries:list` over an in-memory log: entries become visible at their own time (late arrivals),
 * results are `timestamp asc` with cursor page tokens, the filter is evaluated, and faults (429, 5xx) are injected.
 */
class FakeLogStore {
  readonly entries: StoredEntry[] = [];
  readonly calls: { request: ListRequest; status: number; served: number }[] = [];
  /** How often each insertId was served (the same entry is served again by every overlapping window). */
  readonly served = new Map<string, number>();
  private readonly faults: Fault[] = [];

  constructor(private readonly now: () => number) {}

  add(entry: JsonObject, options: { readonly resource: string; readonly visibleAtMs?: number }): void {
    const visibleAtMs = options.visibleAtMs ?? time(text(entry, 'receiveTimestamp'));
    this.entries.push({ entry, resource: options.resource, visibleAtMs });
  }

  /** The next `times` calls for which `when` holds answer `status`. */
  fail(status: number, options: { times?: number; when?: (request: ListRequest) => boolean } = {}): void {
    this.faults.push({ status, remaining: options.times ?? 1, when: options.when ?? (() => true) });
  }

  list(request: ListRequest): ListReply {
    const fault = this.faults.find((candidate) => candidate.remaining > 0 && candidate.when(request));
    const reply = fault === undefined ? this.answer(request) : this.inject(fault);
    const entries = (reply.body as { entries?: JsonObject[] }).entries ?? [];
    for (const entry of entries)
      this.served.set(text(entry, 'insertId'), (this.served.get(text(entry, 'insertId')) ?? 0) + 1);
    this.calls.push({ request, status: reply.status, served: entries.length });
    return reply;
  }

  private inject(fault: Fault): ListReply {
    fault.remaining -= 1;
    return fault.status === 429
      ? apiError(429, 'RESOURCE_EXHAUSTED', 'Quota exceeded for quota metric Read requests per minute')
      : apiError(fault.status, 'INTERNAL', 'Internal error encountered.');
  }

  private answer(request: ListRequest): ListReply {
    const criteria = parseFilter(request.filter ?? '');
    if (criteria === undefined) return apiError(400, 'INVALID_ARGUMENT', `unparsable filter: ${request.filter}`);
    if (request.orderBy !== 'timestamp asc') return apiError(400, 'INVALID_ARGUMENT', 'orderBy must be timestamp asc');
    const names = request.resourceNames ?? [];
    const pageSize = request.pageSize ?? 50;
    if (names.length === 0 || names.length > 100 || pageSize > 1_000 || (request.filter ?? '').length > 20_000)
      return apiError(400, 'INVALID_ARGUMENT', 'request over the API limits');
    const now = this.now();
    let matching = this.entries
      .filter((stored) => names.includes(stored.resource) && stored.visibleAtMs <= now)
      .filter((stored) => criteria.every((criterion) => criterion(stored.entry)))
      .sort(order);
    if (request.pageToken !== undefined) matching = matching.filter(afterCursor(request.pageToken));
    const page = matching.slice(0, pageSize);
    const last = page[page.length - 1];
    const more = matching.length > pageSize && last !== undefined;
    return {
      status: 200,
      body: { entries: page.map((stored) => stored.entry), ...(more && { nextPageToken: cursorOf(last) }) },
    };
  }
}

/** The store as the poller's port, without HTTP (unit tests): non-200 replies become the client's GcpApiError. */
const storeSource = (store: FakeLogStore): LogEntrySource => ({
  listEntries: async (request: EntriesRequest): Promise<EntriesPage> => {
    const reply = store.list({ ...request, orderBy: 'timestamp asc' });
    if (reply.status === 200) {
      const body = reply.body as { entries: unknown[]; nextPageToken?: string };
      return { entries: body.entries, nextPageToken: body.nextPageToken };
    }
    const failure = reply.status === 429 ? 'quota' : reply.status >= 500 ? 'server' : 'rejected';
    throw new GcpApiError(`entries:list failed: HTTP ${reply.status}`, failure, reply.status);
  },
});

const bodyOf = async (request: IncomingMessage): Promise<string> => {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
};

type FakeLoggingServer = {
  readonly baseUrl: string;
  readonly tokenUrl: string;
  /** Google STS token exchanges: the decoded subject token (the signed AWS GetCallerIdentity request). */
  readonly exchanges: {
    audience: string;
    subjectTokenType: string;
    subject: { url: string; headers: { key: string; value: string }[] };
  }[];
  readonly unauthorized: number;
  close(): Promise<void>;
};

/**
 * Google STS (`POST /v1/token`, the Workload Identity Federation exchange) and the Logging API (`POST
 * /v2/entries:list`, Bearer token required) on 127.0.0.1 and a free port.
 */
const startFakeLoggingServer = async (store: FakeLogStore): Promise<FakeLoggingServer> => {
  const token = 'ya29.fake-federated-access-token';
  const state = { exchanges: [] as FakeLoggingServer['exchanges'], unauthorized: 0 };
  const server: Server = createServer(async (request, response) => {
    const body = await bodyOf(request);
    const reply = (status: number, value: unknown) => {
      response.writeHead(status, { 'content-type': 'application/json' });
      response.end(JSON.stringify(value));
    };
    if (request.method === 'POST' && request.url === '/v1/token') {
      const form = new URLSearchParams(body);
      const subject = JSON.parse(decodeURIComponent(form.get('subject_token') ?? '{}'));
      state.exchanges.push({
        audience: form.get('audience') ?? '',
        subjectTokenType: form.get('subject_token_type') ?? '',
        subject,
      });
      return reply(200, {
        access_token: token,
        issued_token_type: 'urn:ietf:params:oauth:token-type:access_token',
        token_type: 'Bearer',
        expires_in: 3600,
      });
    }
    if (request.method === 'POST' && request.url === '/v2/entries:list') {
      if (request.headers.authorization !== `Bearer ${token}`) {
        state.unauthorized += 1;
        return reply(401, { error: { code: 401, status: 'UNAUTHENTICATED', message: 'no valid token' } });
      }
      const result = store.list(JSON.parse(body) as ListRequest);
      return reply(result.status, result.body);
    }
    reply(404, { error: { code: 404, message: `${request.method} ${request.url}` } });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const baseUrl = `http://127.0.0.1:${port}`;
  return {
    baseUrl,
    tokenUrl: `${baseUrl}/v1/token`,
    get exchanges() {
      return state.exchanges;
    },
    get unauthorized() {
      return state.unauthorized;
    },
    close: () => new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve()))),
  };
};

export { type FakeLoggingServer, FakeLogStore, type ListRequest, startFakeLoggingServer, storeSource };
