import * as z from 'zod';
import { InputError, type InputPlace } from '../../formats/errors.js';
import { once } from '../../once.js';
import { describeIssue, kindOf } from '../describe-issue.js';
import { isObject, type JsonObject, textAt } from '../read-path.js';

const auditLogType = /(^|\/)google\.cloud\.audit\.AuditLog$/;

/**
 * The LogEntry keys tamperwatch reads; everything else passes through untouched in `raw`. Built on first use, not at
 * import: most entries take the fast path below and never need it, so a cold start should not pay for it.
 */
const logEntry = once(() => {
  const auditLog = z.looseObject({
    serviceName: z.string().min(1),
    methodName: z.string().min(1),
    resourceName: z.string().nullish(),
    status: z
      .looseObject({ code: z.union([z.number(), z.string()]).optional(), message: z.string().optional() })
      .nullish(),
    authenticationInfo: z
      .looseObject({
        principalEmail: z.string().optional(),
        principalSubject: z.string().optional(),
        serviceAccountDelegationInfo: z
          .array(
            z.looseObject({ firstPartyPrincipal: z.looseObject({ principalEmail: z.string().optional() }).nullish() }),
          )
          .nullish(),
      })
      .nullish(),
    authorizationInfo: z.array(z.looseObject({ permissionType: z.string().optional() })).nullish(),
    requestMetadata: z
      .looseObject({ callerIp: z.string().optional(), callerSuppliedUserAgent: z.string().optional() })
      .nullish(),
  });
  return z.looseObject({
    logName: z.string().optional(),
    insertId: z.string().optional(),
    timestamp: z.string().optional(),
    resource: z
      .looseObject({ type: z.string().optional(), labels: z.record(z.string(), z.unknown()).nullish() })
      .nullish(),
    operation: z.looseObject({ id: z.string().optional() }).nullish(),
    protoPayload: auditLog,
  });
});

type LogEntry = z.infer<ReturnType<typeof logEntry>>;

/** A LogEntry by its keys: an AuditLog payload, or logName with insertId (Panther's lower-cased keys included). */
const looksLikeLogEntry = (value: JsonObject): boolean =>
  isObject(value.protoPayload) ||
  isObject(value.protopayload) ||
  ((typeof value.logName === 'string' || typeof value.logname === 'string') &&
    (typeof value.insertId === 'string' || typeof value.insertid === 'string'));

/**
 * Why a well-formed LogEntry is no audit record (no payload, or a payload of another type), else undefined. Such
 * entries are skipped with a notice: a sink export holds every kind of log.
 */
const nonAuditReason = (entry: JsonObject): string | undefined => {
  if (!isObject(entry.protoPayload)) {
    const payload = ['jsonPayload', 'textPayload'].find((key) => key in entry);
    return `LogEntry without an AuditLog protoPayload${payload === undefined ? '' : ` (${payload})`}`;
  }
  const type = textAt(entry.protoPayload, '@type');
  return type === undefined || auditLogType.test(type) ? undefined : `LogEntry payload is ${type}, not an AuditLog`;
};

// The schema's checks for an entry already in its output form, where zod's copy would equal the input: the decoder
// skips zod for those (test/unit/core/sources/gcp/decode.differential.test.ts holds both paths to the same result).
const optionalText = (value: unknown): boolean => value === undefined || typeof value === 'string';
const nullishText = (value: unknown): boolean => value === undefined || value === null || typeof value === 'string';
const nonEmptyText = (value: unknown): boolean => typeof value === 'string' && value.length > 0;
const nullish = (value: unknown, check: (object: JsonObject) => boolean): boolean =>
  value === undefined || value === null || (isObject(value) && check(value));
const nullishList = (value: unknown, check: (object: JsonObject) => boolean): boolean => {
  if (value === undefined || value === null) return true;
  if (!Array.isArray(value)) return false;
  for (let i = 0; i < value.length; i += 1) {
    const item: unknown = value[i];
    if (!isObject(item) || !check(item)) return false;
  }
  return true;
};
const canonicalAuthentication = (info: JsonObject): boolean =>
  optionalText(info.principalEmail) &&
  optionalText(info.principalSubject) &&
  nullishList(info.serviceAccountDelegationInfo, (delegation) =>
    nullish(delegation.firstPartyPrincipal, (principal) => optionalText(principal.principalEmail)),
  );
const canonicalPayload = (payload: JsonObject): boolean =>
  nonEmptyText(payload.serviceName) &&
  nonEmptyText(payload.methodName) &&
  nullishText(payload.resourceName) &&
  nullish(
    payload.status,
    (status) =>
      (status.code === undefined || typeof status.code === 'number' || typeof status.code === 'string') &&
      optionalText(status.message),
  ) &&
  nullish(payload.authenticationInfo, canonicalAuthentication) &&
  nullishList(payload.authorizationInfo, (authorization) => optionalText(authorization.permissionType)) &&
  nullish(
    payload.requestMetadata,
    (metadata) => optionalText(metadata.callerIp) && optionalText(metadata.callerSuppliedUserAgent),
  );
const isCanonicalEntry = (entry: JsonObject): boolean =>
  optionalText(entry.logName) &&
  optionalText(entry.insertId) &&
  optionalText(entry.timestamp) &&
  nullish(entry.resource, (resource) => optionalText(resource.type) && nullish(resource.labels, () => true)) &&
  nullish(entry.operation, (operation) => optionalText(operation.id)) &&
  isObject(entry.protoPayload) &&
  canonicalPayload(entry.protoPayload);

/**
 * One audit LogEntry, typed; a record of the wrong shape is an {@link InputError} naming the field. An entry already
 * in canonical form comes back as is (no copy); `{ fast: false }` always runs the schema (the plain path).
 *
 * @example
 * decodeLogEntry(entry, { source: 'page.json', location: 'entries[4]' }).protoPayload.methodName;
 */
const decodeLogEntry = (raw: unknown, at: InputPlace, options?: { readonly fast?: boolean }): LogEntry => {
  if (!isObject(raw)) throw new InputError(`not a GCP LogEntry (got ${kindOf(raw)})`, at);
  if (options?.fast !== false && isCanonicalEntry(raw)) return raw as LogEntry;
  const parsed = logEntry().safeParse(raw);
  if (parsed.success) return parsed.data;
  throw new InputError(`not a GCP audit LogEntry (${describeIssue(parsed.error, raw)})`, at, { cause: parsed.error });
};

export { decodeLogEntry, type LogEntry, looksLikeLogEntry, nonAuditReason };
