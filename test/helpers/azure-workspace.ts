import type { ActivityLogs, ActivityQueryRequest, QueryOutcome } from '../../functions/clients/azure-logs.js';
import { decodeAzure } from '../../functions/core/sources/azure/decode.js';
import { isObject, type JsonObject } from '../../functions/core/sources/read-path.js';

/** One `AzureActivity` row as stored: columns by name, dynamic columns as objects, datetimes as ISO text. */
type ActivityRow = Record<string, unknown>;

/** A row in the fake workspace: when it was ingested (`ingestion_time()`) and when it becomes queryable. */
type StoredRow = { readonly row: ActivityRow; readonly ingested: Date; readonly visibleAt: Date };

type FakeTable = { name: string; columns: { name: string; type: string }[]; rows: unknown[][] };
type FakeAnswer =
  | { readonly kind: 'complete'; readonly table: FakeTable }
  | { readonly kind: 'partial'; readonly table: FakeTable; readonly error: JsonObject }
  | { readonly kind: 'bad-query'; readonly message: string };

const dynamicColumns = new Set(['Properties_d', 'Claims_d', 'Authorization_d']);

/** KQL's `tostring(datetime)`: ISO-8601 with seven fractional digits. */
const kqlText = (date: Date): string => date.toISOString().replace(/\.(\d{3})Z$/, '.$10000Z');

const subscriptionOf = (resourceId: string): string => /^\/subscriptions\/([^/]+)/i.exec(resourceId)?.[1] ?? '';
const resourceGroupOf = (resourceId: string): string => /\/resourceGroups\/([^/]+)/i.exec(resourceId)?.[1] ?? '';
const objectOf = (value: unknown): JsonObject | undefined => (isObject(value) ? value : undefined);

/**
 * An Activity Log record in any form the CLI reads (diagnostic, REST, Log Analytics) as the `AzureActivity` row a
 * subscription diagnostic setting writes (azureactivity.md column reference); `eventDataId` is kept when the record has one.
 */
const toActivityRow = (record: unknown, eventDataId: string): ActivityRow => {
  const decoded = decodeAzure(record, { source: 'test', location: 'record' });
  if (decoded.form === 'log-analytics')
    return { ...(record as ActivityRow), EventDataId: decoded.eventDataId ?? eventDataId };
  const view = decoded.view;
  const identity = objectOf(view.identity);
  const resourceId = decoded.resourceId ?? '';
  const properties = objectOf(view.properties) ?? {};
  return {
    TimeGenerated: decoded.time,
    EventDataId: decoded.eventDataId ?? eventDataId,
    CorrelationId: decoded.correlationId,
    OperationId: decoded.correlationId,
    OperationNameValue: decoded.operation,
    ActivityStatusValue: decoded.status,
    ActivitySubstatusValue: decoded.subStatus ?? decoded.statusCode,
    CategoryValue: decoded.category ?? 'Administrative',
    Level: typeof view.level === 'string' ? view.level : 'Informational',
    Caller:
      decoded.caller ??
      decoded.claims['http://schemas.xmlsoap.org/ws/2005/05/identity/claims/upn'] ??
      decoded.claims.appid,
    CallerIpAddress: decoded.callerIp,
    SubscriptionId: decoded.subscriptionId ?? subscriptionOf(resourceId),
    ResourceGroup: resourceGroupOf(resourceId),
    ResourceProviderValue: (decoded.resourceProvider ?? decoded.operation.split('/')[0] ?? '').toUpperCase(),
    ResourceId: resourceId.toUpperCase(),
    _ResourceId: resourceId.toLowerCase(),
    Properties_d: { eventCategory: decoded.category ?? 'Administrative', ...properties },
    Authorization_d: objectOf(identity?.authorization) ?? objectOf(view.authorization) ?? {},
    Claims_d: decoded.claims,
    HTTPRequest: JSON.stringify(objectOf(view.httpRequest) ?? { clientIpAddress: decoded.callerIp }),
    Hierarchy: typeof properties.hierarchy === 'string' ? properties.hierarchy : '',
    TenantId: '00000000-0000-4000-8000-00000000cafe',
  };
};

const bounds = (query: string) => {
  const ingestion = /ingestion_time\(\) > datetime\(([^)]+)\) and ingestion_time\(\) <= datetime\(([^)]+)\)/.exec(
    query,
  );
  const generated = /TimeGenerated > datetime\(([^)]+)\)/.exec(query);
  const take = /\| take (\d+)/.exec(query);
  const project = /\| project (.+)$/m.exec(query);
  const names = /OperationNameValue in~ \((.+)\)/.exec(query);
  return { ingestion, generated, take, project, names };
};

const columnOf = (expression: string): { name: string; source: string; text: boolean } => {
  const [name, value] = expression.split(' = ').map((part) => part.trim()) as [string, string | undefined];
  const source = value === undefined ? name : (/^tostring\((\w+)\)$/.exec(value)?.[1] ?? name);
  return { name, source, text: value !== undefined };
};

/**
 * A Log Analytics workspace holding `AzureActivity` rows, answering the poller's KQL the way the service would: it
 * reads the window, the TimeGenerated bound, the category and operation filters, `take` and `project`, and shows only
 * rows visible at `now`. More rows than `partialAbove` in one answer make a PartialFailure (a result-size overrun).
 */
class FakeWorkspace {
  readonly rows: StoredRow[] = [];
  readonly queries: string[] = [];
  now = new Date(0);

  constructor(readonly partialAbove = Number.POSITIVE_INFINITY) {}

  /** Stores a row ingested at `ingested`; its event happened `ageMs` before (TimeGenerated is rewritten to that). */
  add(row: ActivityRow, ingested: Date, visibleAfterMs = 30_000, ageMs = 30_000): void {
    const time = kqlText(new Date(ingested.getTime() - ageMs));
    const timed = { ...row, TimeGenerated: time, EventSubmissionTimestamp: time };
    this.rows.push({ row: timed, ingested, visibleAt: new Date(ingested.getTime() + visibleAfterMs) });
  }

  answer(query: string): FakeAnswer {
    this.queries.push(query);
    const { ingestion, generated, take, project, names } = bounds(query);
    if (!query.startsWith('AzureActivity') || ingestion === null || generated === null || project === null)
      return { kind: 'bad-query', message: 'query does not read an ingestion window of AzureActivity' };
    const [from, to, after] = [ingestion[1], ingestion[2], generated[1]].map((text) => Date.parse(text ?? ''));
    const allowed = names?.[1]?.split(', ').map((name) => JSON.parse(name).toLowerCase() as string);
    const columns = (project[1] ?? '').split(', ').map(columnOf);
    const matching = this.rows
      .filter((stored) => stored.visibleAt <= this.now)
      .filter((stored) => stored.ingested.getTime() > (from ?? 0) && stored.ingested.getTime() <= (to ?? 0))
      .filter((stored) => Date.parse(String(stored.row.TimeGenerated)) > (after ?? 0))
      .filter((stored) => stored.row.CategoryValue === 'Administrative')
      .filter(
        (stored) => allowed === undefined || allowed.includes(String(stored.row.OperationNameValue).toLowerCase()),
      )
      .sort((a, b) => a.ingested.getTime() - b.ingested.getTime())
      .slice(0, take === null ? undefined : Number(take[1]));
    const table: FakeTable = {
      name: 'PrimaryResult',
      columns: columns.map((c) => ({
        name: c.name,
        type: c.text ? 'string' : dynamicColumns.has(c.name) ? 'dynamic' : 'string',
      })),
      rows: [],
    };
    const cell = (stored: StoredRow, column: { source: string; text: boolean }): unknown => {
      if (column.source === 'Ingested') return kqlText(stored.ingested);
      const value = stored.row[column.source];
      if (column.text && typeof value === 'string') return /\.\d{7}Z$/.test(value) ? value : kqlText(new Date(value));
      return dynamicColumns.has(column.source) && value !== undefined ? JSON.stringify(value) : (value ?? null);
    };
    const rows = matching.map((stored) => columns.map((column) => cell(stored, column)));
    if (rows.length <= this.partialAbove) return { kind: 'complete', table: { ...table, rows } };
    return {
      kind: 'partial',
      table: { ...table, rows: rows.slice(0, this.partialAbove) },
      error: {
        code: 'PartialError',
        message: 'There were some errors when processing your query.',
        details: [{ code: 'EngineError', message: 'Query result set has exceeded the internal data size limit' }],
      },
    };
  }
}

/** The poller's query port over fake workspaces, in memory; `throttleNext(n)` answers the next n queries with 429. */
class FakeActivityLogs implements ActivityLogs {
  readonly workspaces = new Map<string, FakeWorkspace>();
  throttled = 0;
  #throttles = 0;

  throttleNext(count: number): void {
    this.#throttles = count;
  }

  async query(workspaceId: string, request: ActivityQueryRequest): Promise<QueryOutcome> {
    if (this.#throttles > 0) {
      this.#throttles -= 1;
      this.throttled += 1;
      return { kind: 'throttled', retryAfterMs: 10, message: 'Too many requests' };
    }
    const workspace = this.workspaces.get(workspaceId);
    if (workspace === undefined) throw new Error(`workspace ${workspaceId} not found`);
    const answer = workspace.answer(request.query);
    if (answer.kind === 'bad-query') throw new Error(answer.message);
    if (answer.kind === 'partial')
      return {
        kind: 'partial',
        code: String(answer.error.code),
        message: String(answer.error.message),
        rows: answer.table.rows.length,
      };
    // What the SDK hands back after its conversion: dynamic columns parsed.
    const dynamic = answer.table.columns.map((column) => column.type === 'dynamic');
    const rows = answer.table.rows.map((row) =>
      row.map((value, i) => (dynamic[i] && typeof value === 'string' ? JSON.parse(value) : value)),
    );
    return { kind: 'complete', tables: [{ ...answer.table, rows }] };
  }
}

export { type ActivityRow, FakeActivityLogs, type FakeAnswer, type FakeTable, FakeWorkspace, kqlText, toActivityRow };
