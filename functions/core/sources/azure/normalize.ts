import type { Actor, AuditEvent, Outcome, Scope } from '../../audit-event.js';
import { createFieldView } from '../../field-view.js';
import type { InputPlace } from '../../formats/errors.js';
import { contentId } from '../content-hash.js';
import { withDerivedFields } from '../derived-fields.js';
import { textAt } from '../read-path.js';
import { azureAliases, derivedAzureFields } from './aliases.js';
import { type AzureRecord, decodeAzure, namespaceOf } from './decode.js';

const unplaced: InputPlace = { source: 'input', location: 'record' };
const claim = {
  upn: 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/upn',
  objectId: 'http://schemas.microsoft.com/identity/claims/objectidentifier',
};
const outcomes: Readonly<Record<string, Outcome>> = {
  success: 'success',
  succeeded: 'success',
  failure: 'failure',
  failed: 'failure',
  canceled: 'failure',
  cancelled: 'failure',
  start: 'pending',
  started: 'pending',
  accept: 'pending',
  accepted: 'pending',
};
const guid = /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i;

/** DESIGN §4.1; a missing or unknown status (ServiceHealth's Active, Resolved…) counts as a completed call. */
const outcomeOf = (record: AzureRecord): Outcome => outcomes[(record.status ?? '').toLowerCase()] ?? 'success';

const actorOf = (record: AzureRecord): Actor => {
  const upn = textAt(record.claims, claim.upn);
  const appId = textAt(record.claims, 'appid');
  const id = upn ?? record.caller ?? textAt(record.claims, claim.objectId) ?? appId ?? record.principalId ?? 'unknown';
  const type =
    record.principalType ??
    (upn !== undefined || id.includes('@')
      ? 'User'
      : guid.test(id) || appId !== undefined
        ? 'ServicePrincipal'
        : 'Unknown');
  const name = textAt(record.claims, 'name') ?? id;
  // The application the call went through (Azure portal, az CLI, a service principal's own app).
  return appId === undefined || appId === id ? { id, type, name } : { id, type, name, principal: appId };
};

// Azure ids are case-insensitive and the forms disagree (diagnostic resourceIds are often upper case): one spelling,
// so findings, SNS `account` attributes and suppressions see one subscription, not two.
const scopeOf = (record: AzureRecord): Scope => {
  if (record.subscriptionId !== undefined) return { kind: 'subscription', id: record.subscriptionId.toLowerCase() };
  if (record.tenantId !== undefined) return { kind: 'tenant', id: record.tenantId.toLowerCase() };
  return { kind: 'unknown', id: '' };
};

/** DESIGN §1.4: EventDataId where the form has one; the diagnostic form has none, so a hash of what identifies it. */
const idOf = (record: AzureRecord): string =>
  record.eventDataId ??
  contentId([record.correlationId, record.operation, record.status, record.time, record.resourceId]);

/**
 * An Azure Activity Log record (diagnostic export, Log Analytics `AzureActivity` row or REST form) as an
 * {@link AuditEvent}. Every form exposes the same field names to rules (DESIGN §4.2); Log Analytics dynamic columns
 * that arrive as JSON text are parsed for the view, while `raw` keeps the record as it arrived. Start and Accept
 * records have outcome `pending`. Throws {@link InputError} for a record of no known form.
 *
 * @example
 * const event = normalizeAzure(row, { source: 'workspace', location: 'tables[0].rows[3]' });
 */
const normalizeAzure = (input: unknown, at: InputPlace = unplaced): AuditEvent => {
  const record = decodeAzure(input, at);
  const outcome = outcomeOf(record);
  const actor = actorOf(record);
  const view = createFieldView(record.view, azureAliases);
  return {
    provider: 'azure',
    service: record.resourceProvider ?? namespaceOf(record.operation),
    operation: record.operation,
    outcome,
    ...(outcome === 'failure' ? { errorCode: record.subStatus ?? record.statusCode ?? record.status ?? 'Failed' } : {}),
    actor,
    ...(record.callerIp === undefined ? {} : { sourceIp: record.callerIp }),
    scope: scopeOf(record),
    region: record.location ?? 'global',
    resource: record.resourceId ?? '',
    time: record.time ?? '',
    id: idOf(record),
    readOnly: record.operation.toLowerCase().endsWith('/read'),
    raw: input as Readonly<Record<string, unknown>>, // decodeAzure accepted it, so it is an object
    fields: withDerivedFields(view, derivedAzureFields(record, actor.id === 'unknown' ? undefined : actor.id)),
  };
};

export { normalizeAzure };
