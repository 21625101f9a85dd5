import type { Provider } from '../../functions/core/audit-event.js';
import type { RuleSource } from '../../functions/core/sigma/rule-set.js';
import { awsServices, azureProviders, gcpServices, nouns, verbs } from './rule-names.js';
import { uuidOf } from './stats.js';

/**
 * Generated Sigma rules for the scaling benchmark, shaped like the shipped ones: a service and operation selection
 * (distinct names, so the index spreads them), a failed-call filter, and for one in twenty a rule on an operation
 * that really occurs in the workload with an extra actor condition (more rules do land on busy operations).
 * Six in ten are AWS, two GCP, two Azure.
 */
type RealOperation = { readonly provider: Provider; readonly service: string; readonly operation: string };

const pick = <T>(list: readonly T[], index: number): T => list[index % list.length] as T;

/** A YAML single-quoted scalar. */
const q = (text: string): string => `'${text.replaceAll("'", "''")}'`;

const header = (i: number, title: string, product: string, service: string): string[] => [
  `title: ${title}`,
  `id: ${uuidOf(1_000_003 + i)}`,
  `name: bench-variant-${i}`,
  'status: test',
  `description: Generated scaling variant ${i}.`,
  'references:',
  '    - https://github.com/SigmaHQ/sigma',
  'author: tamperwatch bench',
  'date: 2026-12-01',
  'tags:',
  '    - attack.defense-impairment',
  '    - attack.t1685',
  'logsource:',
  `    product: ${product}`,
  `    service: ${service}`,
  'falsepositives:',
  '    - Generated rule',
  'level: medium',
  'detection:',
];

/** Names for variant i: the i-th point of service × verb × noun, so up to 48,000 variants never repeat. */
const coordinates = (i: number, services: number) => ({
  service: i % services,
  verb: Math.floor(i / services) % verbs.length,
  noun: Math.floor(i / (services * verbs.length)) % nouns.length,
});

const awsRule = (i: number, real: RealOperation | undefined): string[] => {
  const c = coordinates(i, awsServices.length);
  const source = real?.service ?? `${pick(awsServices, c.service)}.amazonaws.com`;
  const names = real
    ? [real.operation]
    : [`${pick(verbs, c.verb)}${pick(nouns, c.noun)}`, `${pick(verbs, c.verb)}${pick(nouns, c.noun)}Configuration`];
  return [
    ...header(i, `Bench AWS ${names[0]}`, 'aws', 'cloudtrail'),
    '    selection:',
    `        eventSource: ${q(source)}`,
    '        eventName:',
    ...names.map((name) => `            - ${q(name)}`),
    ...(real ? ['        userIdentity.arn|endswith:', `            - ':role/breakglass-${i}'`] : []),
    '    filter_denied:',
    '        errorCode:',
    '            - AccessDenied',
    '            - Client.UnauthorizedOperation',
    '    condition: selection and not filter_denied',
  ];
};

const gcpRule = (i: number, real: RealOperation | undefined): string[] => {
  const c = coordinates(i, gcpServices.length);
  const service = pick(gcpServices, c.service);
  const noun = pick(nouns, c.noun);
  const serviceName = real?.service ?? `${service}.googleapis.com`;
  const method = real?.operation ?? `google.cloud.${service}.v1.${noun}Service.${pick(verbs, c.verb)}${noun}`;
  return [
    ...header(i, `Bench GCP ${method}`, 'gcp', 'gcp.audit'),
    '    selection:',
    `        protoPayload.serviceName: ${q(serviceName)}`,
    `        protoPayload.methodName: ${q(method)}`,
    ...(real ? [`        protoPayload.authenticationInfo.principalEmail|startswith: breakglass-${i}@`] : []),
    '    condition: selection',
  ];
};

const azureRule = (i: number, real: RealOperation | undefined): string[] => {
  const c = coordinates(i, azureProviders.length);
  const noun = pick(nouns, c.noun);
  const operation =
    real?.operation ?? `Microsoft.${pick(azureProviders, c.service)}/${noun.toLowerCase()}s/${pick(verbs, c.verb)}`;
  return [
    ...header(i, `Bench Azure ${operation}`, 'azure', 'activitylogs'),
    '    selection:',
    `        operationName: ${q(operation)}`,
    ...(real ? [`        properties.caller|contains: breakglass-${i}`] : []),
    '    condition: selection',
  ];
};

/** `count` rule sources; `real` lists the (provider, service, operation) triples seen in the workload. */
const generateRules = (count: number, real: readonly RealOperation[]): RuleSource[] =>
  Array.from({ length: count }, (_, i) => {
    const provider: Provider = i % 10 < 6 ? 'aws' : i % 10 < 8 ? 'gcp' : 'azure';
    const pool = real.filter((op) => op.provider === provider);
    const target = i % 20 === 7 && pool.length > 0 ? pick(pool, i * 7) : undefined;
    const lines =
      provider === 'aws' ? awsRule(i, target) : provider === 'gcp' ? gcpRule(i, target) : azureRule(i, target);
    return { file: `bench/${provider}/bench-variant-${i}.yml`, text: `${lines.join('\n')}\n` };
  });

export { generateRules, type RealOperation };
