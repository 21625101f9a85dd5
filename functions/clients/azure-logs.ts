import {
  type AccessToken,
  ClientAssertionCredential,
  ClientSecretCredential,
  type GetTokenOptions,
  type TokenCredential,
} from '@azure/identity';
import {
  LogsQueryClient,
  type LogsQueryClientOptions,
  LogsQueryResultStatus,
  type LogsTable,
} from '@azure/monitor-query-logs';

/**
 * How the poller signs in to Microsoft Entra ID: a client assertion (a JWT from the Lambda's AWS identity, checked
 * against the app registration's federated credential; recommended) or a client secret kept in Secrets Manager.
 */
type AzureAuth =
  | { readonly mode: 'federated'; readonly assertion: () => Promise<string> }
  | { readonly mode: 'secret'; readonly secret: () => Promise<string> };

type AzureLogsOptions = {
  readonly tenantId: string;
  readonly clientId: string;
  readonly auth: AzureAuth;
  /** Query API base URL including the version (`https://api.loganalytics.io/v1` by default; sovereign clouds differ). */
  readonly endpoint?: string;
  /** Entra ID host (`https://login.microsoftonline.com` by default; `AzureAuthorityHosts` lists the others). */
  readonly authorityHost?: string;
  /** Skip the instance metadata lookup on login.microsoftonline.com: only for a private or test authority. */
  readonly disableInstanceDiscovery?: boolean;
  /** Extra PEM certificate authorities to trust (a private test server); the system store stays in use. */
  readonly trustedCa?: string;
  /** Retries inside the Azure SDK (throttling with Retry-After, 5xx, network) before the poller sees the error. */
  readonly maxRetries?: number;
  /**
   * How long the service may run one query (`Prefer: wait=`; service default 180 s, maximum 600 s). One call, SDK
   * retries included, is aborted 15 s after it.
   */
  readonly serverTimeoutSeconds?: number;
};

/** A query result table as the query API sends it, datetimes as text: the form `eventsFromValue` reads. */
type WireTable = {
  readonly name: string;
  readonly columns: readonly { readonly name: string; readonly type: string }[];
  readonly rows: readonly (readonly unknown[])[];
};

/** One query's outcome. A partial result is never usable as a whole; throttling is retried by the caller. */
type QueryOutcome =
  | { readonly kind: 'complete'; readonly tables: readonly WireTable[] }
  | { readonly kind: 'partial'; readonly code: string; readonly message: string; readonly rows: number }
  | { readonly kind: 'throttled'; readonly retryAfterMs: number | undefined; readonly message: string };

type ActivityQueryRequest = {
  readonly query: string;
  readonly timespan: { readonly startTime: Date; readonly endTime: Date };
};

/** The port the poller uses: one KQL query against one workspace. */
type ActivityLogs = { query(workspaceId: string, request: ActivityQueryRequest): Promise<QueryOutcome> };

/**
 * Reads the client secret on first use only, so a cold start never waits for Secrets Manager unless the secret path is
 * configured, and the secret is read once per container.
 */
class DeferredSecretCredential implements TokenCredential {
  #inner: Promise<TokenCredential> | undefined;

  constructor(private readonly build: () => Promise<TokenCredential>) {}

  async getToken(scopes: string | string[], options?: GetTokenOptions): Promise<AccessToken | null> {
    this.#inner ??= this.build().catch((error: unknown) => {
      this.#inner = undefined; // a failed read is retried by the next token request
      throw error;
    });
    return (await this.#inner).getToken(scopes, options);
  }
}

/**
 * The Entra ID credential for the options: `ClientAssertionCredential` fed by the assertion source, or
 * `ClientSecretCredential` with the secret read on first use.
 */
const azureCredential = (options: AzureLogsOptions): TokenCredential => {
  const common = {
    ...(options.authorityHost === undefined ? {} : { authorityHost: options.authorityHost }),
    ...(options.disableInstanceDiscovery === true ? { disableInstanceDiscovery: true } : {}),
    ...(options.trustedCa === undefined ? {} : { tlsOptions: { ca: options.trustedCa } }),
  };
  const { auth } = options;
  if (auth.mode === 'federated')
    return new ClientAssertionCredential(options.tenantId, options.clientId, auth.assertion, common);
  return new DeferredSecretCredential(
    async () => new ClientSecretCredential(options.tenantId, options.clientId, await auth.secret(), common),
  );
};

/** The SDK converts datetime columns to `Date` (rounded to ms); the decoder reads text, so dates go back to ISO text. */
const wireValue = (value: unknown): unknown =>
  value instanceof Date ? (Number.isNaN(value.getTime()) ? String(value) : value.toISOString()) : value;

const toWireTable = (table: LogsTable): WireTable => ({
  name: table.name,
  columns: table.columnDescriptors.map((column) => ({ name: column.name, type: String(column.type) })),
  rows: table.rows.map((row) => row.map(wireValue)),
});

type RestErrorLike = Error & {
  statusCode?: number;
  response?: { headers: { get(name: string): string | undefined } };
};

const retryAfterOf = (error: RestErrorLike): number | undefined => {
  const headers = error.response?.headers;
  const milliseconds = Number(headers?.get('retry-after-ms') ?? headers?.get('x-ms-retry-after-ms'));
  if (Number.isFinite(milliseconds) && milliseconds > 0) return milliseconds;
  const seconds = Number(headers?.get('retry-after'));
  return Number.isFinite(seconds) && seconds > 0 ? seconds * 1_000 : undefined;
};

const isThrottle = (error: unknown): error is RestErrorLike =>
  error instanceof Error && (error as RestErrorLike).statusCode === 429;

/**
 * Log Analytics queries through `@azure/monitor-query-logs` (the successor of the deprecated `@azure/monitor-query`,
 * same `LogsQueryClient`). `PartialFailure` and HTTP 429 come back as outcomes, so the poller can shrink or retry the
 * window; every other failure throws.
 *
 * @example
 * const logs = new AzureActivityLogs({ tenantId, clientId, auth: { mode: 'federated', assertion } });
 * const outcome = await logs.query(workspaceId, activityQuery(window, operations, limits));
 */
class AzureActivityLogs implements ActivityLogs {
  readonly #client: LogsQueryClient;
  readonly #serverTimeoutSeconds: number;

  constructor(options: AzureLogsOptions) {
    const clientOptions: LogsQueryClientOptions = {
      retryOptions: { maxRetries: options.maxRetries ?? 2 },
      ...(options.endpoint === undefined ? {} : { endpoint: options.endpoint }),
      ...(options.trustedCa === undefined ? {} : { tlsOptions: { ca: options.trustedCa } }),
    };
    this.#client = new LogsQueryClient(azureCredential(options), clientOptions);
    this.#serverTimeoutSeconds = options.serverTimeoutSeconds ?? 60;
  }

  async query(workspaceId: string, request: ActivityQueryRequest): Promise<QueryOutcome> {
    try {
      const result = await this.#client.queryWorkspace(workspaceId, request.query, request.timespan, {
        serverTimeoutInSeconds: this.#serverTimeoutSeconds,
        // The SDK's own retries (Retry-After can be long) must not outlive the time the caller kept for one query.
        abortSignal: AbortSignal.timeout((this.#serverTimeoutSeconds + 15) * 1_000),
      });
      if (result.status === LogsQueryResultStatus.Success)
        return { kind: 'complete', tables: result.tables.map(toWireTable) };
      const rows = result.partialTables.reduce((sum, table) => sum + table.rows.length, 0);
      const { code, message } = result.partialError;
      return { kind: 'partial', code: String(code), message: String(message), rows };
    } catch (error) {
      if (!isThrottle(error)) throw error;
      return { kind: 'throttled', retryAfterMs: retryAfterOf(error), message: error.message };
    }
  }
}

export {
  type ActivityLogs,
  type ActivityQueryRequest,
  AzureActivityLogs,
  type AzureAuth,
  type AzureLogsOptions,
  azureCredential,
  type QueryOutcome,
  toWireTable,
  type WireTable,
};
