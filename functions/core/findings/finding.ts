import { createHash } from 'node:crypto';
import type { AuditEvent, Provider } from '../audit-event.js';
import type { CompiledRule } from '../sigma/rule-set.js';
import { attackTactic, attackTechniques } from './attack.js';
import { severityOf } from './severity.js';
import { summarize } from './summary.js';
import type { Channel, Finding } from './types.js';

/**
 * The finding id: `tw1-` + 32 hex digits of SHA-256 over rule id, provider and event id. No time, channel or rule version
 * goes in, so the real-time path, backfill, the pollers and the CLI agree on it (DESIGN §5.1).
 */
const findingId = (ruleId: string, provider: Provider, eventId: string): string =>
  `tw1-${createHash('sha256')
    .update(JSON.stringify([ruleId, provider, eventId]))
    .digest('hex')
    .slice(0, 32)}`;

/** The file stem stands in for a rule without a Sigma `name` (third-party rules loaded with `--rules`). */
const stemOf = (file: string): string => {
  const base = file.slice(Math.max(file.lastIndexOf('/'), file.lastIndexOf('\\')) + 1);
  return base.replace(/\.ya?ml$/i, '');
};

const ruleOf = (rule: CompiledRule): Finding['rule'] => ({
  id: rule.meta.id,
  name: rule.meta.name ?? stemOf(rule.file),
  title: rule.meta.title,
  level: rule.meta.level,
  author: rule.meta.author,
  ...(rule.meta.license === undefined ? {} : { license: rule.meta.license }),
  version: rule.meta.version,
  references: [...rule.meta.references],
});

const eventOf = (event: AuditEvent, channel: Channel): Finding['event'] => ({
  id: event.id,
  time: event.time,
  operation: event.operation,
  service: event.service,
  outcome: event.outcome,
  ...(event.errorCode === undefined ? {} : { errorCode: event.errorCode }),
  ...(event.sourceIp === undefined ? {} : { sourceIp: event.sourceIp }),
  ...(event.userAgent === undefined ? {} : { userAgent: event.userAgent }),
  channel,
});

const actorOf = (actor: AuditEvent['actor']): Finding['actor'] => ({
  id: actor.id,
  type: actor.type,
  name: actor.name,
  ...(actor.principal === undefined ? {} : { principal: actor.principal }),
});

/**
 * A rule match → the v1 finding body (`schemas/finding.v1.json`).
 *
 * @example
 * const finding = toFinding({ rule, event, matched: ['selection'], now, channel: 'cli' });
 * finding.id // 'tw1-5f0c9a4e1b7d2c8a3e6f90b1d4c7a2e8', the same for this rule and event on every channel
 */
const toFinding = (input: {
  rule: CompiledRule;
  event: AuditEvent;
  matched: readonly string[];
  now: Date;
  channel: Channel;
}): Finding => {
  const { rule, event } = input;
  return {
    schema: 'tamperwatch.finding/v1',
    id: findingId(rule.meta.id, event.provider, event.id),
    kind: 'detection',
    severity: severityOf({
      level: rule.meta.level,
      outcome: event.outcome,
      failureLevel: rule.meta.tamperwatch?.failure_level,
    }),
    summary: summarize(event),
    provider: event.provider,
    rule: ruleOf(rule),
    attack: {
      tactic: attackTactic(),
      techniques: attackTechniques(rule.meta.tags, rule.meta.tamperwatch?.attack_legacy ?? []),
    },
    event: eventOf(event, input.channel),
    actor: actorOf(event.actor),
    target: { account: event.scope.id, region: event.region, resource: event.resource },
    matched: [...input.matched],
    detectedAt: input.now.toISOString(),
    raw: event.raw,
    rawTruncated: false,
  };
};

export { findingId, toFinding };
