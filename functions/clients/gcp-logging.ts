import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { GetParameterCommand, type SSMClient } from '@aws-sdk/client-ssm';
import { GoogleAuth, type GoogleAuthOptions } from 'google-auth-library';

/** One `entries:list` request (logging.proto `ListLogEntriesRequest`); results always ordered `timestamp asc`. */
type EntriesRequest = {
  readonly resourceNames: readonly string[];
  readonly filter: string;
  readonly pageSize: number;
  readonly pageToken?: string;
};

/** One page as the REST API returns it: LogEntries as JSON (`protoPayload` with `@type`), and the next page's token. */
type EntriesPage = { readonly entries: readonly unknown[]; readonly nextPageToken: string | undefined };

/** The port the poller reads from. */
type LogEntrySource = { listEntries(request: EntriesRequest): Promise<EntriesPage> };

/**
 * How a call failed: `quota` (HTTP 429 RESOURCE_EXHAUSTED: stop, the quota is per project and minute), `server` (5xx,
 * a network error or an unreadable page: retry later), `rejected` (another 4xx: credentials, permissions, filter).
 */
type GcpFailure = 'quota' | 'server' | 'rejected';

class GcpApiError extends Error {
  constructor(
    message: string,
    readonly failure: GcpFailure,
    readonly status: number | undefined,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'GcpApiError';
  }
}

/** A parsed credential configuration: `external_account` (Workload Identity Federation) or a service-account key. */
type GcpCredentials = Readonly<Record<string, unknown>> & { readonly type: 'external_account' | 'service_account' };

type GcpLoggingOptions = {
  /** The project the client is created for; set so the library never looks one up. */
  readonly projectId: string;
  readonly credentials: GcpCredentials;
  /** Base URL of the Logging API (default `https://logging.googleapis.com`); tests point it at 127.0.0.1. */
  readonly apiEndpoint?: string;
  /** Per-request timeout (default 20 s). */
  readonly timeoutMs?: number;
};

const defaultEndpoint = 'https://logging.googleapis.com';

/**
 * The scopes `new Logging()` asks for: the union of its ConfigServiceV2, LoggingServiceV2 and MetricsServiceV2 clients'
 * scopes, in that order (@google-cloud/logging 11.3.0, build/src/index.js). test/unit/clients/gcp-logging.test.ts
 * compares them with the library's.
 */
const loggingScopes: readonly string[] = [
  'https://www.googleapis.com/auth/cloud-platform',
  'https://www.googleapis.com/auth/cloud-platform.read-only',
  'https://www.googleapis.com/auth/logging.admin',
  'https://www.googleapis.com/auth/logging.read',
  'https://www.googleapis.com/auth/logging.write',
];

/**
 * The GoogleAuth options `new Logging({ projectId, credentials })` builds: of the options it passes on, GoogleAuth reads
 * `projectId`, `credentials` and `scopes` (`libName`, `libVersion` and `apiEndpoint` go to the gRPC clients only).
 */
const loggingAuthOptions = (projectId: string, credentials: GcpCredentials): GoogleAuthOptions => ({
  projectId,
  credentials: credentials as GoogleAuthOptions['credentials'],
  scopes: [...loggingScopes],
});

type HttpFailure = { status?: number; code?: string; message?: string; response?: { status?: number } };

const failureOf = (status: number | undefined): GcpFailure => {
  if (status === 429) return 'quota';
  if (status === undefined || status >= 500) return 'server';
  return 'rejected';
};

const toApiError = (error: unknown, what: string): GcpApiError => {
  const failure = (typeof error === 'object' && error !== null ? error : {}) as HttpFailure;
  const status = failure.response?.status ?? failure.status;
  const detail = status === undefined ? (failure.code ?? failure.message ?? String(error)) : `HTTP ${status}`;
  return new GcpApiError(`${what} failed: ${detail}`, failureOf(status), status, { cause: error });
};

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** The response body of `entries:list`; anything else is a server problem (the page is asked for again later). */
const toPage = (data: unknown): EntriesPage => {
  if (!isRecord(data)) throw new GcpApiError('entries:list returned no JSON object', 'server', 200);
  const { entries = [], nextPageToken } = data;
  if (!Array.isArray(entries))
    throw new GcpApiError('entries:list returned entries that are not a list', 'server', 200);
  if (nextPageToken !== undefined && typeof nextPageToken !== 'string')
    throw new GcpApiError('entries:list returned a nextPageToken that is not text', 'server', 200);
  return { entries, nextPageToken: nextPageToken === '' ? undefined : nextPageToken };
};

/**
 * `entries:list` over REST (DESIGN §1.2), authenticated by a GoogleAuth built as the `@google-cloud/logging` client
 * builds its `auth` (same options; an `external_account` configuration exchanges the Lambda role's signed
 * `GetCallerIdentity` at Google STS; a service-account key signs a JWT). REST because `getEntries` returns
 * `protoPayload` as an undecoded protobuf `Any`, sorts `timestamp desc` and adds a 24 h filter; REST gives the LogEntry
 * JSON the decoders read. google-auth-library directly, not `new Logging()`: the Logging class pulls in google-gax and
 * gRPC: 2.6 MB more bundle and about 3x the import time, for nothing the poller calls (docs/gcp.md §6).
 *
 * @example
 * const source = new RestLogEntrySource({ projectId: 'central-logs', credentials });
 * const page = await source.listEntries({ resourceNames: ['projects/p'], filter, pageSize: 1000 });
 */
class RestLogEntrySource implements LogEntrySource {
  private readonly auth: GoogleAuth;
  private readonly url: string;
  private readonly timeoutMs: number;

  constructor(options: GcpLoggingOptions) {
    const base = new URL(options.apiEndpoint ?? defaultEndpoint);
    this.auth = new GoogleAuth(loggingAuthOptions(options.projectId, options.credentials));
    this.url = new URL('v2/entries:list', base.href.endsWith('/') ? base.href : `${base.href}/`).href;
    this.timeoutMs = options.timeoutMs ?? 20_000;
  }

  async listEntries(request: EntriesRequest): Promise<EntriesPage> {
    let client: Awaited<ReturnType<GoogleAuth['getClient']>>;
    try {
      client = await this.auth.getClient();
    } catch (error) {
      throw new GcpApiError(`GCP credentials unusable: ${(error as Error).message}`, 'rejected', undefined, {
        cause: error,
      });
    }
    try {
      const response = await client.request<unknown>({
        url: this.url,
        method: 'POST',
        data: {
          resourceNames: request.resourceNames,
          filter: request.filter,
          orderBy: 'timestamp asc',
          pageSize: request.pageSize,
          ...(request.pageToken === undefined ? {} : { pageToken: request.pageToken }),
        },
        responseType: 'json',
        timeout: this.timeoutMs,
        retry: false, // the poller decides: a 429 ends the run, a 5xx is retried with its own backoff
      });
      return toPage(response.data);
    } catch (error) {
      if (error instanceof GcpApiError) throw error;
      throw toApiError(error, 'entries:list');
    }
  }
}

/**
 * Reads a credential configuration (the JSON `gcloud iam workload-identity-pools create-cred-config --aws` writes, or
 * a service-account key) from text; the message of a failure never quotes the text.
 */
const parseGcpCredentials = (text: string, origin: string): GcpCredentials => {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new Error(`${origin}: the GCP credential configuration is not JSON`, { cause: error });
  }
  if (!isRecord(value) || (value.type !== 'external_account' && value.type !== 'service_account'))
    throw new Error(`${origin}: the GCP credential configuration must have type external_account or service_account`);
  if (value.type === 'external_account' && typeof value.audience !== 'string')
    throw new Error(`${origin}: an external_account configuration needs an audience`);
  if (
    value.type === 'service_account' &&
    (typeof value.client_email !== 'string' || typeof value.private_key !== 'string')
  )
    throw new Error(`${origin}: a service-account key needs client_email and private_key`);
  return value as GcpCredentials;
};

/**
 * Where the credential configuration is kept: a Secrets Manager secret, an SSM parameter (SecureString or String), or
 * inline (an `external_account` configuration is not secret).
 */
type CredentialSource =
  | { readonly secretArn: string }
  | { readonly parameterName: string }
  | { readonly config: Readonly<Record<string, unknown>> };

/**
 * Reads and checks the credential configuration once per cold start. Errors name the secret or parameter, never the text.
 *
 * @example
 * const credentials = await readGcpCredentials({ secretArn }, { secrets: new SecretsManagerClient({}), ssm: new SSMClient({}) });
 */
const readGcpCredentials = async (
  source: CredentialSource,
  clients: { readonly secrets: SecretsManagerClient; readonly ssm: SSMClient },
): Promise<GcpCredentials> => {
  if ('config' in source) return parseGcpCredentials(JSON.stringify(source.config), 'TW_GCP_CONFIG.credential.config');
  if ('secretArn' in source) {
    const { SecretString } = await clients.secrets.send(new GetSecretValueCommand({ SecretId: source.secretArn }));
    if (SecretString === undefined) throw new Error(`secret ${source.secretArn} holds no SecretString`);
    return parseGcpCredentials(SecretString, `secret ${source.secretArn}`);
  }
  const { Parameter } = await clients.ssm.send(
    new GetParameterCommand({ Name: source.parameterName, WithDecryption: true }),
  );
  if (Parameter?.Value === undefined) throw new Error(`parameter ${source.parameterName} holds no value`);
  return parseGcpCredentials(Parameter.Value, `parameter ${source.parameterName}`);
};

export {
  type CredentialSource,
  type EntriesPage,
  type EntriesRequest,
  GcpApiError,
  type GcpCredentials,
  type GcpFailure,
  type GcpLoggingOptions,
  type LogEntrySource,
  loggingAuthOptions,
  parseGcpCredentials,
  RestLogEntrySource,
  readGcpCredentials,
};
