import type { CompiledRule } from '../../../../functions/core/sigma/rule-set.js';
import type { FieldSource } from '../../../../functions/core/sigma/types.js';

type Meta = CompiledRule['meta'];

/** A compiled AWS rule (DESIGN §5.1's example) whose test is given; metadata fields may be replaced or removed. */
const compiledRuleFactory = (
  meta: { [K in keyof Meta]?: Meta[K] | undefined } = {},
  test: (view: FieldSource) => readonly string[] | undefined = () => ['selection'],
): CompiledRule => {
  const full: Record<string, unknown> = {
    id: '6f1d5b8e-2c4a-4e9b-8f3d-1a2b3c4d5e6f',
    name: 'cloudtrail-stop-logging',
    title: 'AWS CloudTrail Logging Stopped',
    status: 'test',
    level: 'high',
    author: 'vitaliy0x1',
    references: [
      'https://github.com/SigmaHQ/sigma/blob/8eaafff/rules/cloud/aws/cloudtrail/aws_cloudtrail_disable_logging.yml',
    ],
    tags: ['attack.defense-impairment', 'attack.t1685.002'],
    falsepositives: [],
    logsource: { product: 'aws', service: 'cloudtrail' },
    license: 'DRL-1.1',
    version: '3f9a0c2e',
    ...meta,
  };
  for (const key of Object.keys(full)) if (full[key] === undefined) delete full[key];
  return {
    meta: full as Meta,
    file: 'rules/aws/cloudtrail/cloudtrail-stop-logging.yml',
    provider: 'aws',
    test,
  } as CompiledRule;
};

export { compiledRuleFactory };
