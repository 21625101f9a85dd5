import { InputError, type InputPlace } from '../../formats/errors.js';
import { kindOf } from '../describe-issue.js';
import { firstText, isObject, type JsonObject, textAt, valueAt } from '../read-path.js';

/** The three shapes of one Activity Log record (log-formats.md §6). */
type AzureForm = 'diagnostic' | 'log-analytics' | 'rest';

/** One Activity Log record, whatever its form, with the values tamperwatch reads. */
type AzureRecord = {
  readonly form: AzureForm;
  readonly operation: string;
  readonly status?: string;
  readonly subStatus?: string;
  readonly statusCode?: string;
  readonly resourceProvider?: string;
  readonly category?: string;
  readonly resourceId?: string;
  readonly subscriptionId?: string;
  readonly tenantId?: string;
  readonly time?: string;
  readonly eventDataId?: string;
  readonly correlationId?: string;
  readonly callerIp?: string;
  readonly caller?: string;
  readonly claims: JsonObject;
  readonly principalType?: string;
  readonly principalId?: string;
  readonly location?: string;
  /** The record with Log Analytics dynamic columns (`Properties_d`, `Claims_d`…) parsed: what rules read. */
  readonly view: JsonObject;
};

// Activity Log categories; the diagnostic form's `category` holds one of these or the operation kind (Write, Delete…).
const categories = new Set([
  'Administrative',
  'Security',
  'ServiceHealth',
  'Alert',
  'Recommendation',
  'Policy',
  'Autoscale',
  'ResourceHealth',
]);
const dynamicColumns = ['Properties_d', 'Claims_d', 'Authorization_d'];

/** Which form a record is in, or undefined when it is no Activity Log record. */
const azureFormOf = (value: JsonObject): AzureForm | undefined => {
  if (typeof value.eventDataId === 'string' || isObject(value.operationName)) return 'rest';
  if (typeof value.OperationNameValue === 'string') return 'log-analytics';
  // Resource logs share the diagnostic envelope; an Activity Log operation always names its provider (`A.B/c/write`).
  const operation = value.operationName;
  if (
    typeof operation === 'string' &&
    operation.includes('/') &&
    (typeof value.time === 'string' || typeof value.resourceId === 'string')
  ) {
    return 'diagnostic';
  }
  return undefined;
};

/** A dynamic column that arrives as JSON text (the query API returns them so) as its value; other text unchanged. */
const parseDynamic = (value: unknown): unknown => {
  if (typeof value !== 'string' || !/^\s*[[{]/.test(value)) return value;
  try {
    return JSON.parse(value) as unknown;
  } catch {
    return value; // not JSON after all: rules still see the text
  }
};

const withParsedColumns = (row: JsonObject): JsonObject => {
  const parsed = dynamicColumns.filter((column) => typeof row[column] === 'string');
  if (parsed.length === 0) return row;
  return { ...row, ...Object.fromEntries(parsed.map((column) => [column, parseDynamic(row[column])])) };
};

const subscriptionOf = (resourceId: string | undefined): string | undefined =>
  resourceId === undefined ? undefined : /^\/subscriptions\/([^/]+)/i.exec(resourceId)?.[1];

const namespaceOf = (operation: string): string => operation.split('/')[0] ?? operation;

const objectAt = (record: unknown, ...keys: readonly string[]): JsonObject => {
  const found = valueAt(record, ...keys);
  return isObject(found) ? found : {};
};

const fromRest = (r: JsonObject, operation: string): AzureRecord => ({
  form: 'rest',
  operation,
  status: textAt(r, 'status', 'value'),
  subStatus: textAt(r, 'subStatus', 'value'),
  statusCode: textAt(r, 'properties', 'statusCode'),
  resourceProvider: textAt(r, 'resourceProviderName', 'value'),
  category: textAt(r, 'category', 'value'),
  resourceId: textAt(r, 'resourceId'),
  subscriptionId: textAt(r, 'subscriptionId') ?? subscriptionOf(textAt(r, 'resourceId')),
  tenantId: textAt(r, 'tenantId'),
  time: textAt(r, 'eventTimestamp'),
  eventDataId: textAt(r, 'eventDataId'),
  correlationId: textAt(r, 'correlationId'),
  callerIp: textAt(r, 'httpRequest', 'clientIpAddress'),
  caller: textAt(r, 'caller'),
  claims: objectAt(r, 'claims'),
  principalType: textAt(r, 'authorization', 'evidence', 'principalType'),
  principalId: textAt(r, 'authorization', 'evidence', 'principalId'),
  location: textAt(r, 'location'),
  view: r,
});

const fromLogAnalytics = (row: JsonObject, operation: string): AzureRecord => {
  const r = withParsedColumns(row);
  const resourceId = firstText(r, [['_ResourceId'], ['ResourceId']]);
  return {
    form: 'log-analytics',
    operation,
    status: textAt(r, 'ActivityStatusValue'),
    subStatus: textAt(r, 'ActivitySubstatusValue'),
    statusCode: textAt(r, 'Properties_d', 'statusCode'),
    resourceProvider: textAt(r, 'ResourceProviderValue'),
    category: textAt(r, 'CategoryValue'),
    resourceId,
    subscriptionId: textAt(r, 'SubscriptionId') ?? subscriptionOf(resourceId),
    time: textAt(r, 'TimeGenerated'),
    eventDataId: textAt(r, 'EventDataId'),
    correlationId: textAt(r, 'CorrelationId'),
    callerIp: textAt(r, 'CallerIpAddress'),
    caller: textAt(r, 'Caller'),
    claims: objectAt(r, 'Claims_d'),
    principalType: textAt(r, 'Authorization_d', 'evidence', 'principalType'),
    principalId: textAt(r, 'Authorization_d', 'evidence', 'principalId'),
    view: r,
  };
};

const fromDiagnostic = (r: JsonObject, operation: string): AzureRecord => {
  const category = textAt(r, 'category');
  return {
    form: 'diagnostic',
    operation,
    status: textAt(r, 'resultType'),
    subStatus: textAt(r, 'resultSignature'),
    statusCode: textAt(r, 'properties', 'statusCode'),
    category:
      textAt(r, 'properties', 'eventCategory') ??
      (category !== undefined && categories.has(category) ? category : undefined),
    resourceProvider: namespaceOf(operation),
    resourceId: textAt(r, 'resourceId'),
    subscriptionId: subscriptionOf(textAt(r, 'resourceId')),
    tenantId: textAt(r, 'tenantId'),
    time: textAt(r, 'time'),
    correlationId: textAt(r, 'correlationId'),
    callerIp: textAt(r, 'callerIpAddress'),
    claims: objectAt(r, 'identity', 'claims'),
    principalType: textAt(r, 'identity', 'authorization', 'evidence', 'principalType'),
    principalId: textAt(r, 'identity', 'authorization', 'evidence', 'principalId'),
    location: textAt(r, 'location'),
    view: r,
  };
};

/**
 * One Activity Log record in any of its three forms, typed; anything else is an {@link InputError}.
 *
 * @example
 * decodeAzure(row, { source: 'workspace', location: 'tables[0].rows[3]' }).operation; // 'Microsoft.Insights/diagnosticSettings/delete'
 */
const decodeAzure = (raw: unknown, at: InputPlace): AzureRecord => {
  if (!isObject(raw)) throw new InputError(`not an Azure Activity Log record (got ${kindOf(raw)})`, at);
  const form = azureFormOf(raw);
  const operation = firstText(raw, [['operationName', 'value'], ['OperationNameValue'], ['operationName']]);
  if (form === undefined || operation === undefined) {
    throw new InputError('not an Azure Activity Log record (operationName: missing)', at);
  }
  if (form === 'rest') return fromRest(raw, operation);
  return form === 'log-analytics' ? fromLogAnalytics(raw, operation) : fromDiagnostic(raw, operation);
};

export { type AzureForm, type AzureRecord, azureFormOf, decodeAzure, namespaceOf };
