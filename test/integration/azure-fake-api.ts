import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FakeWorkspace } from '../helpers/azure-workspace.js';

type TlsPair = { readonly cert: string; readonly key: string };

type TokenRequest = { readonly tenant: string; readonly form: URLSearchParams };

type FakeAzure = {
  /** `https://127.0.0.1:<port>`: the authority host, and with `/v1` the query API endpoint. */
  readonly url: string;
  /** The certificate to trust (self-signed for 127.0.0.1). */
  readonly ca: string;
  readonly workspaces: Map<string, FakeWorkspace>;
  readonly tokenRequests: TokenRequest[];
  /** `METHOD /path` of every request, in order (what the libraries asked for). */
  readonly requests: string[];
  /** Every query request: workspace, status answered, rows sent. */
  readonly queries: { workspaceId: string; status: number; rows: number; partial: boolean }[];
  /** The next `count` query requests are answered 429 Too Many Requests. */
  throttleNext(count: number): void;
  close(): Promise<void>;
};

/** A self-signed certificate for 127.0.0.1 from the openssl CLI, or the reason there is none. */
const selfSignedCertificate = (): TlsPair | string => {
  const dir = mkdtempSync(join(tmpdir(), 'tw-azure-tls-'));
  try {
    const result = spawnSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-sha256',
        '-days',
        '1',
        '-subj',
        '/CN=127.0.0.1',
        '-addext',
        'subjectAltName=IP:127.0.0.1',
        '-keyout',
        join(dir, 'key.pem'),
        '-out',
        join(dir, 'cert.pem'),
      ],
      { encoding: 'utf8' },
    );
    if (result.error !== undefined) return `openssl not available (${result.error.message})`;
    if (result.status !== 0) return `openssl failed: ${result.stderr.trim().slice(-300)}`;
    return { cert: readFileSync(join(dir, 'cert.pem'), 'utf8'), key: readFileSync(join(dir, 'key.pem'), 'utf8') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
};

const readBody = (request: IncomingMessage): Promise<string> =>
  new Promise((resolve, reject) => {
    let body = '';
    request.on('data', (chunk: Buffer) => {
      body += chunk.toString();
    });
    request.on('end', () => resolve(body));
    request.on('error', reject);
  });

const send = (response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void => {
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
  response.end(JSON.stringify(body));
};

const openIdConfiguration = (base: string, tenant: string) => ({
  token_endpoint: `${base}/${tenant}/oauth2/v2.0/token`,
  token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt', 'client_secret_basic'],
  jwks_uri: `${base}/${tenant}/discovery/v2.0/keys`,
  response_modes_supported: ['query', 'fragment', 'form_post'],
  subject_types_supported: ['pairwise'],
  id_token_signing_alg_values_supported: ['RS256'],
  response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
  scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
  issuer: `${base}/${tenant}/v2.0`,
  request_uri_parameter_supported: false,
  userinfo_endpoint: `${base}/oidc/userinfo`,
  authorization_endpoint: `${base}/${tenant}/oauth2/v2.0/authorize`,
  device_authorization_endpoint: `${base}/${tenant}/oauth2/v2.0/devicecode`,
  http_logout_supported: true,
  frontchannel_logout_supported: true,
  end_session_endpoint: `${base}/${tenant}/oauth2/v2.0/logout`,
  claims_supported: ['sub', 'iss', 'aud', 'exp', 'iat', 'nbf', 'tid'],
  tenant_region_scope: 'EU',
  cloud_instance_name: 'microsoftonline.com',
});

/**
 * Microsoft Entra ID and the Log Analytics query API on 127.0.0.1 over HTTPS (the SDK refuses bearer tokens over
 * plain HTTP): OpenID metadata and instance discovery, the client-credentials token endpoint (secret or assertion),
 * and `POST /v1/workspaces/{id}/query` answered by {@link FakeWorkspace}. Throttling answers 429 with Retry-After.
 */
const startFakeAzure = async (tls: TlsPair, secret: string): Promise<FakeAzure> => {
  const workspaces = new Map<string, FakeWorkspace>();
  const tokenRequests: TokenRequest[] = [];
  const requests: string[] = [];
  const queries: FakeAzure['queries'] = [];
  const issued = new Set<string>();
  let throttles = 0;
  let base = '';

  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const url = new URL(request.url ?? '/', base);
    const body = await readBody(request);
    requests.push(`${request.method} ${url.pathname}`);
    const metadata = /^\/([^/]+)\/v2\.0\/\.well-known\/openid-configuration$/.exec(url.pathname);
    if (request.method === 'GET' && metadata !== null)
      return send(response, 200, openIdConfiguration(base, metadata[1] ?? ''));
    if (request.method === 'GET' && url.pathname === '/common/discovery/instance') {
      const host = new URL(base).host;
      return send(response, 200, {
        tenant_discovery_endpoint: `${base}/common/v2.0/.well-known/openid-configuration`,
        'api-version': '1.1',
        metadata: [{ preferred_network: host, preferred_cache: host, aliases: [host] }],
      });
    }
    const token = /^\/([^/]+)\/oauth2\/v2\.0\/token$/.exec(url.pathname);
    if (request.method === 'POST' && token !== null) {
      const form = new URLSearchParams(body);
      tokenRequests.push({ tenant: token[1] ?? '', form });
      const assertion = form.get('client_assertion');
      const valid = form.get('client_secret') === secret || (assertion !== null && assertion.split('.').length === 3);
      if (form.get('grant_type') !== 'client_credentials' || !valid)
        return send(response, 401, {
          error: 'invalid_client',
          error_description: 'AADSTS7000215: Invalid client secret provided.',
        });
      const accessToken = `fake-access-token-${tokenRequests.length}`;
      issued.add(accessToken);
      return send(response, 200, {
        token_type: 'Bearer',
        expires_in: 3599,
        ext_expires_in: 3599,
        access_token: accessToken,
      });
    }
    const query = /^\/v1\/workspaces\/([^/]+)\/query$/.exec(url.pathname);
    if (request.method === 'POST' && query !== null) {
      const workspaceId = query[1] ?? '';
      const bearer = /^Bearer (.+)$/.exec(request.headers.authorization ?? '')?.[1];
      const record = (status: number, rows = 0, partial = false) =>
        queries.push({ workspaceId, status, rows, partial });
      if (bearer === undefined || !issued.has(bearer)) {
        record(401);
        return send(response, 401, { error: { code: 'InvalidAuthenticationTokenAudience', message: 'bad token' } });
      }
      if (throttles > 0) {
        throttles -= 1;
        record(429);
        return send(
          response,
          429,
          { error: { code: 'TooManyRequests', message: 'Too many requests' } },
          { 'retry-after': '1' },
        );
      }
      const workspace = workspaces.get(workspaceId);
      if (workspace === undefined) {
        record(404);
        return send(response, 404, { error: { code: 'WorkspaceNotFoundError', message: `workspace ${workspaceId}` } });
      }
      const answer = workspace.answer(String((JSON.parse(body) as { query?: unknown }).query ?? ''));
      if (answer.kind === 'bad-query') {
        record(400);
        return send(response, 400, { error: { code: 'BadArgumentError', message: answer.message } });
      }
      record(200, answer.table.rows.length, answer.kind === 'partial');
      return send(
        response,
        200,
        answer.kind === 'partial' ? { tables: [answer.table], error: answer.error } : { tables: [answer.table] },
      );
    }
    send(response, 404, { error: { code: 'NotFound', message: `${request.method} ${url.pathname}` } });
  };

  const server: Server = createServer({ cert: tls.cert, key: tls.key }, (request, response) => {
    handle(request, response).catch((error: unknown) =>
      send(response, 500, { error: { code: 'Fake', message: String(error) } }),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: base,
    ca: tls.cert,
    workspaces,
    tokenRequests,
    requests,
    queries,
    throttleNext: (count) => {
      throttles = count;
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
};

export { type FakeAzure, selfSignedCertificate, startFakeAzure };
