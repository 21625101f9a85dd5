import { generateKeyPairSync } from 'node:crypto';
import { Logging } from '@google-cloud/logging';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  GcpApiError,
  loggingAuthOptions,
  parseGcpCredentials,
  RestLogEntrySource,
  readGcpCredentials,
} from '../../../functions/clients/gcp-logging.js';
import { type FakeLoggingServer, FakeLogStore, startFakeLoggingServer } from '../../helpers/gcp-fake-logging.js';

const audience = '//iam.googleapis.com/projects/123/locations/global/workloadIdentityPools/tw/providers/aws';
const externalAccount = (tokenUrl: string) => ({
  type: 'external_account' as const,
  audience,
  subject_token_type: 'urn:ietf:params:aws:token-type:aws4_request',
  token_url: tokenUrl,
  credential_source: {
    environment_id: 'aws1',
    regional_cred_verification_url: 'https://sts.{region}.amazonaws.com?Action=GetCallerIdentity&Version=2011-06-15',
  },
});

describe('RestLogEntrySource', () => {
  const store = new FakeLogStore(() => Date.parse('2026-11-24T10:00:00Z'));
  let server: FakeLoggingServer;
  let source: RestLogEntrySource;
  const request = {
    resourceNames: ['projects/p'],
    filter: 'logName:"cloudaudit.googleapis.com%2Factivity"',
    pageSize: 10,
  };

  beforeAll(async () => {
    Object.assign(process.env, {
      AWS_REGION: 'eu-west-1',
      AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
      AWS_SECRET_ACCESS_KEY: 'x',
    });
    server = await startFakeLoggingServer(store);
    source = new RestLogEntrySource({
      projectId: 'central-logs',
      credentials: externalAccount(server.tokenUrl),
      apiEndpoint: server.baseUrl,
    });
    store.add(
      {
        insertId: 'a',
        logName: 'projects/p/logs/cloudaudit.googleapis.com%2Factivity',
        timestamp: '2026-11-24T09:59:00Z',
        receiveTimestamp: '2026-11-24T09:59:01Z',
      },
      { resource: 'projects/p' },
    );
  });
  afterAll(() => server.close());

  it('exchanges the Lambda role’s signed GetCallerIdentity at STS and lists entries ascending with the token', async () => {
    // Act
    const page = await source.listEntries(request);
    // Assess
    expect(page).toEqual({ entries: [expect.objectContaining({ insertId: 'a' })], nextPageToken: undefined });
    expect(store.calls.at(-1)?.request).toEqual({ ...request, orderBy: 'timestamp asc' });
    const exchange = server.exchanges[0];
    expect(exchange?.audience).toBe(audience);
    expect(exchange?.subject.url).toBe(
      'https://sts.eu-west-1.amazonaws.com?Action=GetCallerIdentity&Version=2011-06-15',
    );
    // HTTP header names: google-auth-library 10 sends them lower-cased (`authorization`), 9 as `Authorization`
    expect(exchange?.subject.headers.find((h) => h.key.toLowerCase() === 'authorization')?.value).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\//,
    );
    expect(exchange?.subject.headers.find((h) => h.key === 'x-goog-cloud-target-resource')?.value).toBe(audience);
  });

  it.each([
    { status: 429, failure: 'quota' },
    { status: 500, failure: 'server' },
    { status: 503, failure: 'server' },
    { status: 403, failure: 'rejected' },
    { status: 400, failure: 'rejected' },
  ])('turns HTTP $status into a $failure error', async ({ status, failure }) => {
    // Prepare
    store.fail(status);
    // Act
    const error = await source.listEntries(request).catch((caught: unknown) => caught);
    // Assess
    expect(error).toBeInstanceOf(GcpApiError);
    expect(error).toMatchObject({ failure, status, message: `entries:list failed: HTTP ${status}` });
  });

  it('builds its GoogleAuth with the options new Logging() gives its own auth', () => {
    // Prepare
    const credentials = externalAccount(server.tokenUrl);
    const logging = new Logging({
      projectId: 'central-logs',
      apiEndpoint: '127.0.0.1',
      credentials: credentials as unknown as Record<string, string>,
    });
    // Act
    const options = loggingAuthOptions('central-logs', credentials);
    // Assess
    expect(options).toEqual({
      projectId: logging.options.projectId,
      credentials: logging.options.credentials,
      scopes: (logging.auth as unknown as { scopes: string[] }).scopes, // private in the typings
    });
  });

  it('counts an unreachable API as a server error', async () => {
    // Prepare
    const nowhere = new RestLogEntrySource({
      projectId: 'central-logs',
      credentials: externalAccount(server.tokenUrl),
      apiEndpoint: 'http://127.0.0.1:9',
    });
    // Act
    const error = await nowhere.listEntries(request).catch((caught: unknown) => caught);
    // Assess
    expect(error).toMatchObject({ name: 'GcpApiError', failure: 'server', status: undefined });
  });
});

describe('parseGcpCredentials()', () => {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const key = {
    type: 'service_account',
    project_id: 'central-logs',
    private_key_id: 'k1',
    private_key: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    client_email: 'tamperwatch@central-logs.iam.gserviceaccount.com',
  };

  it('accepts an external_account configuration and a service-account key (the fallback)', () => {
    expect(parseGcpCredentials(JSON.stringify(externalAccount('https://sts.googleapis.com/v1/token')), 'x').type).toBe(
      'external_account',
    );
    expect(parseGcpCredentials(JSON.stringify(key), 'x').client_email).toBe(key.client_email);
  });

  it.each([
    { text: 'not json at all', message: 'secret s: the GCP credential configuration is not JSON' },
    { text: '{"type":"authorized_user"}', message: 'must have type external_account or service_account' },
    { text: '{"type":"external_account"}', message: 'an external_account configuration needs an audience' },
    { text: '{"type":"service_account","private_key":"SECRET"}', message: 'needs client_email and private_key' },
  ])('refuses $text without quoting it', ({ text, message }) => {
    // Act
    const attempt = () => parseGcpCredentials(text, 'secret s');
    // Assess
    expect(attempt).toThrow(message);
    expect(attempt).not.toThrow(/SECRET|not json at all/);
  });

  it('reads an inline external_account configuration without any AWS call', async () => {
    // Act
    const credentials = await readGcpCredentials(
      { config: externalAccount('https://sts.googleapis.com/v1/token') },
      { secrets: undefined as never, ssm: undefined as never },
    );
    // Assess
    expect(credentials.audience).toBe(audience);
  });
});
