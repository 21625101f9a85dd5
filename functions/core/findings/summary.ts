import type { AuditEvent } from '../audit-event.js';

/**
 * Values come from attacker-influenced records: a line break in a name must not forge a second line, an escape sequence
 * must not repaint a terminal. C0 and C1 controls, DEL and the Unicode line separators become one space.
 */
const isControl = (code: number): boolean =>
  code <= 0x1f || (code >= 0x7f && code <= 0x9f) || code === 0x2028 || code === 0x2029;

const oneLine = (text: string): string => {
  let out = '';
  let gap = false;
  for (const char of text) {
    if (isControl(char.codePointAt(0) ?? 0)) {
      gap = true;
      continue;
    }
    if (gap && out !== '') out += ' ';
    gap = false;
    out += char;
  }
  return out.trim();
};

/**
 * `arn:aws:cloudtrail:eu-west-1:111122223333:trail/org-trail` → `trail org-trail` (resource type, then name: ARNs write
 * `type/name` or `type:name`); S3 ARNs have no type; anything that is not an ARN stays as logged.
 */
const describeResource = (resource: string): string => {
  const parts = resource.split(':');
  if (parts[0] !== 'arn' || parts.length < 6) return resource;
  const local = parts.slice(5).join(':');
  if (parts[2] === 's3') return local;
  const typed = /^([A-Za-z0-9-]+)[/:](.+)$/s.exec(local);
  return typed === null ? local : `${typed[1]} ${typed[2]}`;
};

/** AWS reads best as `cloudtrail:StopLogging`; GCP method names and Azure operation names already name their service. */
const describeOperation = (event: Pick<AuditEvent, 'provider' | 'service' | 'operation'>): string => {
  if (event.provider !== 'aws') return event.operation;
  const service = event.service.replace(/\.amazonaws\.com$/i, '');
  return service === '' ? event.operation : `${service}:${event.operation}`;
};

const describeOutcome = (event: Pick<AuditEvent, 'outcome' | 'errorCode'>): string => {
  if (event.outcome !== 'failure') return event.outcome;
  return event.errorCode === undefined || event.errorCode === '' ? 'failed' : `failed: ${event.errorCode}`;
};

const describeActor = (actor: AuditEvent['actor']): string => {
  const who = actor.name !== '' ? actor.name : actor.id !== '' ? actor.id : 'unknown actor';
  return actor.type === '' ? who : `${who} (${actor.type})`;
};

/**
 * One line a responder reads first.
 *
 * @example
 * summarize(event) // 'alice (AssumedRole) called cloudtrail:StopLogging on trail org-trail in 111122223333/eu-west-1 (success)'
 */
const summarize = (event: AuditEvent): string => {
  const target = event.resource === '' ? '' : ` on ${describeResource(event.resource)}`;
  const where = `${event.scope.id === '' ? 'unknown' : event.scope.id}/${event.region === '' ? 'global' : event.region}`;
  return oneLine(
    `${describeActor(event.actor)} called ${describeOperation(event)}${target} in ${where} (${describeOutcome(event)})`,
  );
};

export { describeOperation, describeResource, oneLine, summarize };
