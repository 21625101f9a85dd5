import type { Actor, AuditEvent, Scope } from '../../audit-event.js';
import { createFieldView } from '../../field-view.js';
import type { InputPlace } from '../../formats/errors.js';
import { contentId } from '../content-hash.js';
import { restorePantherLogEntry } from '../panther-form.js';
import { isObject, textAt } from '../read-path.js';
import { gcpAliases } from './aliases.js';
import { decodeLogEntry, type LogEntry } from './decode.js';

const unplaced: InputPlace = { source: 'input', location: 'record' };

// google.rpc.Code names, so findings carry PERMISSION_DENIED rather than 7.
const rpcCodes = [
  'OK',
  'CANCELLED',
  'UNKNOWN',
  'INVALID_ARGUMENT',
  'DEADLINE_EXCEEDED',
  'NOT_FOUND',
  'ALREADY_EXISTS',
  'PERMISSION_DENIED',
  'RESOURCE_EXHAUSTED',
  'FAILED_PRECONDITION',
  'ABORTED',
  'OUT_OF_RANGE',
  'UNIMPLEMENTED',
  'INTERNAL',
  'UNAVAILABLE',
  'DATA_LOSS',
  'UNAUTHENTICATED',
];
const readPermissions = new Set(['ADMIN_READ', 'DATA_READ']);
const scopeKinds: Readonly<Record<string, Scope['kind']>> = {
  projects: 'project',
  organizations: 'organization',
  folders: 'folder',
};

const statusCodeOf = (entry: LogEntry): number => {
  const code = entry.protoPayload.status?.code;
  const number = typeof code === 'string' ? Number(code) : (code ?? 0);
  return Number.isFinite(number) ? number : 2; // a code that is not a number is still a failure (UNKNOWN)
};

/** `user`, `serviceAccount`, `federated`… from principalSubject (`user:a@b`), else from the e-mail address. */
const principalKind = (subject: string | undefined, id: string): string => {
  if (subject?.startsWith('principal') === true) return 'federated'; // principal:// and principalSet:// (federation)
  if (subject?.includes(':') === true) return subject.slice(0, subject.indexOf(':'));
  if (id.endsWith('.gserviceaccount.com')) return 'serviceAccount';
  return id === 'unknown' ? 'unknown' : 'user';
};

const actorOf = (entry: LogEntry): Actor => {
  const auth = entry.protoPayload.authenticationInfo ?? undefined;
  const id = auth?.principalEmail ?? auth?.principalSubject ?? 'unknown';
  const type = principalKind(auth?.principalSubject, id);
  // An impersonated call: the first principal in the delegation chain is the one behind it.
  const principal = auth?.serviceAccountDelegationInfo?.[0]?.firstPartyPrincipal?.principalEmail;
  return principal === undefined ? { id, type, name: id } : { id, type, name: id, principal };
};

const scopeOf = (entry: LogEntry): Scope => {
  const project = textAt(entry.resource?.labels, 'project_id');
  if (project !== undefined) return { kind: 'project', id: project };
  const [parent, id] = (entry.logName ?? '').split('/');
  const kind = scopeKinds[parent ?? ''];
  return kind === undefined || id === undefined ? { kind: 'unknown', id: id ?? '' } : { kind, id };
};

const regionOf = (entry: LogEntry): string => {
  const labels = entry.resource?.labels;
  return textAt(labels, 'location') ?? textAt(labels, 'zone') ?? textAt(labels, 'region') ?? 'global';
};

/** DESIGN §1.4: one id per long-running operation (its first and last entries), else insertId with logName. */
const idOf = (entry: LogEntry, raw: Readonly<Record<string, unknown>>): string => {
  const operation = entry.operation?.id;
  if (operation !== undefined && operation !== '') return operation;
  if (entry.insertId !== undefined) return `${entry.insertId}@${entry.logName ?? ''}`;
  return contentId(raw);
};

const readOnlyOf = (entry: LogEntry): boolean => {
  const last = entry.protoPayload.methodName.split('.').pop() ?? '';
  const verb = last.charAt(0).toLowerCase() + last.slice(1);
  if (/^(get|list)([A-Z0-9]|$)/.test(verb)) return true;
  const permissions = entry.protoPayload.authorizationInfo ?? [];
  return permissions.length > 0 && permissions.every((info) => readPermissions.has(info.permissionType ?? ''));
};

/**
 * A Cloud Audit Log LogEntry as an {@link AuditEvent}. Rules see the LogEntry plus the SigmaHQ aliases of DESIGN
 * §4.2. Panther's normalized form is restored first. Throws {@link InputError} for an entry without an AuditLog payload.
 *
 * @example
 * const events = page.entries.map((entry, i) => normalizeLogEntry(entry, { source: 'entries:list', location: `entries[${i}]` }));
 */
const normalizeLogEntry = (entry: unknown, at: InputPlace = unplaced): AuditEvent => {
  const raw = isObject(entry) ? restorePantherLogEntry(entry).record : entry;
  const decoded = decodeLogEntry(raw, at);
  const object = raw as Readonly<Record<string, unknown>>; // decodeLogEntry accepted it, so it is an object
  const payload = decoded.protoPayload;
  const code = statusCodeOf(decoded);
  const metadata = payload.requestMetadata ?? undefined;
  return {
    provider: 'gcp',
    service: payload.serviceName,
    operation: payload.methodName,
    outcome: code === 0 ? 'success' : 'failure',
    ...(code === 0 ? {} : { errorCode: rpcCodes[code] ?? String(code) }),
    actor: actorOf(decoded),
    ...(metadata?.callerIp === undefined ? {} : { sourceIp: metadata.callerIp }),
    ...(metadata?.callerSuppliedUserAgent === undefined ? {} : { userAgent: metadata.callerSuppliedUserAgent }),
    scope: scopeOf(decoded),
    region: regionOf(decoded),
    resource: payload.resourceName ?? '',
    time: decoded.timestamp ?? '',
    id: idOf(decoded, object),
    readOnly: readOnlyOf(decoded),
    raw: object,
    fields: createFieldView(object, gcpAliases),
  };
};

export { normalizeLogEntry };
