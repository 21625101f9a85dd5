import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

type FakeSts = {
  readonly endpoint: string;
  /** Form parameters of every request, in order. */
  readonly requests: URLSearchParams[];
  /** The JWTs handed out, in order. */
  readonly tokens: string[];
  /** The next answer is this AWS error instead of a token. */
  failNext(code: string, message: string): void;
  close(): Promise<void>;
};

const base64url = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');

/** A JWT shaped like the STS outbound identity token (header, claims, a signature nobody here verifies). */
const stsJwt = (audience: string, count: number): string =>
  [
    base64url({ alg: 'RS256', typ: 'JWT', kid: 'test-key' }),
    base64url({
      iss: 'https://abcd1234.tokens.sts.global.api.aws',
      sub: 'arn:aws:iam::111122223333:role/tamperwatch-prod-azure-poller',
      aud: audience,
      iat: 1_795_514_400 + count,
      exp: 1_795_514_700 + count,
    }),
    Buffer.from(`signature-${count}`).toString('base64url'),
  ].join('.');

/**
 * STS on 127.0.0.1 answering `GetWebIdentityToken` in the awsQuery XML protocol the SDK speaks (moto lacks the
 * operation). Point an `STSClient` at `endpoint`.
 */
const startFakeSts = async (): Promise<FakeSts> => {
  const requests: URLSearchParams[] = [];
  const tokens: string[] = [];
  let failure: { code: string; message: string } | undefined;
  const server: Server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => {
      body += chunk.toString();
    });
    request.on('end', () => {
      const params = new URLSearchParams(body);
      requests.push(params);
      response.setHeader('content-type', 'text/xml');
      if (failure !== undefined || params.get('Action') !== 'GetWebIdentityToken') {
        const { code, message } = failure ?? { code: 'InvalidAction', message: 'unknown action' };
        failure = undefined;
        response.statusCode = 403;
        response.end(
          `<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type><Code>${code}</Code><Message>${message}</Message></Error><RequestId>r-${requests.length}</RequestId></ErrorResponse>`,
        );
        return;
      }
      const token = stsJwt(params.get('Audience.member.1') ?? '', tokens.length);
      tokens.push(token);
      response.end(
        `<GetWebIdentityTokenResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetWebIdentityTokenResult><WebIdentityToken>${token}</WebIdentityToken><Expiration>2026-11-24T10:05:00Z</Expiration></GetWebIdentityTokenResult><ResponseMetadata><RequestId>r-${requests.length}</RequestId></ResponseMetadata></GetWebIdentityTokenResponse>`,
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    requests,
    tokens,
    failNext: (code, message) => {
      failure = { code, message };
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
};

export { type FakeSts, startFakeSts };
