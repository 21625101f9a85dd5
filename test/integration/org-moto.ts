type Template = Record<string, unknown>;
type Resource = { Type: string; Properties?: Record<string, unknown>; DependsOn?: string[] };

/** moto_server serves every account: the header names the caller's account (moto/core/responses.py). */
const accountHeader = 'x-moto-account-id';

/** Any SDK v3 client, made to call as `account` (a build-step middleware adds moto's account header). */
const asAccount = <T extends { middlewareStack: { add: (...args: never[]) => unknown } }>(
  client: T,
  account: string,
): T => {
  const add = client.middlewareStack.add as (
    middleware: (
      next: (args: { request: unknown }) => Promise<unknown>,
    ) => (args: { request: unknown }) => Promise<unknown>,
    options: { step: 'build'; name: string },
  ) => void;
  add(
    (next) => async (args) => {
      const request = args.request as { headers?: Record<string, string> };
      if (request.headers !== undefined) request.headers[accountHeader] = account;
      return next(args);
    },
    { step: 'build', name: 'motoAccount' },
  );
  return client;
};

/**
 * moto 5.2 resolves `{ "Ref": <AWS::Events::EventBus> }` to its model object instead of the bus name, so a rule on a
 * custom bus fails to create. The bus name is put in place of the reference, with a `DependsOn` to keep the order.
 */
const motoCompatible = (template: Template): Template => {
  const resources = template.Resources as Record<string, Resource>;
  const buses = new Map(
    Object.entries(resources)
      .filter(([, resource]) => resource.Type === 'AWS::Events::EventBus')
      .map(([id, resource]) => [id, String(resource.Properties?.Name)]),
  );
  const replace = (value: unknown, found: Set<string>): unknown => {
    if (Array.isArray(value)) return value.map((item) => replace(item, found));
    if (value === null || typeof value !== 'object') return value;
    const entries = Object.entries(value as Record<string, unknown>);
    const [only] = entries;
    if (entries.length === 1 && only?.[0] === 'Ref' && buses.has(String(only[1]))) {
      found.add(String(only[1]));
      return buses.get(String(only[1]));
    }
    return Object.fromEntries(entries.map(([key, item]) => [key, replace(item, found)]));
  };
  const patched = Object.fromEntries(
    Object.entries(resources).map(([id, resource]) => {
      const found = new Set<string>();
      const next = replace(resource, found) as Resource;
      return [id, found.size === 0 ? next : { ...next, DependsOn: [...(next.DependsOn ?? []), ...found] }];
    }),
  );
  return { ...template, Resources: patched };
};

const tagValues = (xml: string, tag: string): string[] =>
  [...xml.matchAll(new RegExp(`<${tag}>([^<]*)</${tag}>`, 'g'))].map((match) => match[1] ?? '');

/**
 * A few CloudFormation calls against moto_server over the Query protocol (the project has no CloudFormation SDK
 * client). moto reads the region from the credential scope and does not check signatures.
 */
const cloudFormationFor = (endpoint: string, account: string, region: string) => {
  const call = async (action: string, parameters: Record<string, string>): Promise<string> => {
    const response = await fetch(endpoint, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded; charset=utf-8',
        authorization: `AWS4-HMAC-SHA256 Credential=testing/20261201/${region}/cloudformation/aws4_request, SignedHeaders=host, Signature=0`,
        [accountHeader]: account,
      },
      body: new URLSearchParams({ Action: action, Version: '2010-05-15', ...parameters }).toString(),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`CloudFormation ${action} in ${account}/${region}: ${response.status} ${text}`);
    return text;
  };
  return {
    /** Creates the stack (moto does it synchronously) and returns its status. */
    createStack: async (name: string, template: Template): Promise<string> => {
      await call('CreateStack', {
        StackName: name,
        TemplateBody: JSON.stringify(motoCompatible(template)),
        'Capabilities.member.1': 'CAPABILITY_NAMED_IAM',
      });
      return tagValues(await call('DescribeStacks', { StackName: name }), 'StackStatus')[0] ?? '';
    },
    /** Logical ids of the resources the stack created. */
    logicalIds: async (name: string): Promise<string[]> =>
      tagValues(await call('ListStackResources', { StackName: name }), 'LogicalResourceId'),
  };
};

export { asAccount, cloudFormationFor, motoCompatible };
