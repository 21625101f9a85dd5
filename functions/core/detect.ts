import type { AuditEvent } from './audit-event.js';
import { toFinding } from './findings/finding.js';
import type { Channel, Finding } from './findings/types.js';
import type { RuleSet } from './sigma/rule-set.js';

/** A rule that threw while testing one event: it fails itself for that event, nothing else. */
type RuleRunError = {
  readonly ruleId: string;
  readonly file: string;
  readonly eventId: string;
  readonly message: string;
};

type DetectResult = { findings: Finding[]; ruleErrors: RuleRunError[] };

/**
 * Runs the candidate rules of each event and turns every match into a finding, in input order, deduplicated by finding
 * id within this call. Azure start records (`pending`) never match: the final record of the same operation follows.
 *
 * @example
 * const { findings, ruleErrors } = detect(events, ruleSet, now, 'realtime');
 */
const detect = (events: Iterable<AuditEvent>, ruleSet: RuleSet, now: Date, channel: Channel): DetectResult => {
  const findings: Finding[] = [];
  const ruleErrors: RuleRunError[] = [];
  const seen = new Set<string>();
  for (const event of events) {
    if (event.outcome === 'pending') continue;
    for (const rule of ruleSet.candidates(event)) {
      if (rule.provider !== event.provider) continue;
      let matched: readonly string[] | undefined;
      try {
        matched = rule.test(event.fields);
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        ruleErrors.push({ ruleId: rule.meta.id, file: rule.file, eventId: event.id, message });
        continue;
      }
      if (matched === undefined) continue;
      const finding = toFinding({ rule, event, matched, now, channel });
      if (seen.has(finding.id)) continue;
      seen.add(finding.id);
      findings.push(finding);
    }
  }
  return { findings, ruleErrors };
};

export { type DetectResult, detect, type RuleRunError };
