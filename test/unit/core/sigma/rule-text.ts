/** A complete minimal rule around a detection block (YAML text, indented by the caller). */
const ruleWith = (detection: string, extra = '', logsource = 'product: aws\n  service: cloudtrail'): string =>
  [
    'title: Unit rule',
    'id: 5f0c9a4e-1b7d-4c8a-9e6f-90b1d4c7a2e8',
    'status: test',
    'level: high',
    'author: tamperwatch',
    `logsource:\n  ${logsource}`,
    `detection:\n${detection}`,
    extra,
  ]
    .filter((line) => line !== '')
    .join('\n');

export { ruleWith };
