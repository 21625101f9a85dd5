import type { RuleSet } from '../../functions/core/sigma/rule-set.js';
import type { Template } from './corpus.js';

/**
 * The share of CloudTrail records (the bench mix's AWS records: 99 quiet to 1 matching) that the EventBridge ingest
 * prefilter would pass to the queue: an event name some AWS rule can match, or the event source of a rule without a
 * name constraint (infra/event-patterns.ts builds the patterns from the same `operations('aws')`).
 */
type PrefilterShare = {
  readonly fraction: number;
  readonly names: number;
  readonly services: number;
  readonly unconstrained: boolean;
  readonly quietPassing: number;
  readonly quietAws: number;
};

const passFraction = (templates: readonly Template[], quiet: readonly Template[], ruleSet: RuleSet): PrefilterShare => {
  const index = ruleSet.operations('aws');
  const names = new Set(index.names);
  const services = new Set(index.services);
  const passes = (template: Template): boolean =>
    index.unconstrained ||
    names.has(template.operation.toLowerCase()) ||
    (index.any && services.has(template.service.toLowerCase()));
  const quietAws = quiet.filter((template) => template.provider === 'aws');
  const quietPassing = quietAws.filter(passes).length;
  const matchingAws = templates.filter((template) => template.provider === 'aws' && !quiet.includes(template));
  // The mix: 99 quiet lines (round robin over quiet templates) per matching line; the matching ones all pass.
  const quietShare = quietAws.length === 0 ? 0 : quietPassing / quietAws.length;
  const fraction = matchingAws.length === 0 ? quietShare : (99 * quietShare + 1) / 100;
  return {
    fraction,
    names: names.size,
    services: services.size,
    unconstrained: index.unconstrained,
    quietPassing,
    quietAws: quietAws.length,
  };
};

export { type PrefilterShare, passFraction };
