import type { FieldSource } from './sigma/types.js';

/** The cloud a record came from. */
type Provider = 'aws' | 'gcp' | 'azure';

/**
 * How the call ended. `pending` is an Azure start/accept record: counted, never matched, because the final record of the
 * same operation follows.
 */
type Outcome = 'success' | 'failure' | 'pending';

/** Who made the call. `id` is the most specific identity (ARN, e-mail, object id); `principal` the role or app behind it. */
type Actor = {
  readonly id: string;
  readonly type: string;
  readonly name: string;
  readonly principal?: string;
};

/** Where the call landed: an AWS account, a GCP project (or folder/organization) or an Azure subscription. */
type Scope = {
  readonly kind: 'account' | 'project' | 'folder' | 'organization' | 'subscription' | 'tenant' | 'unknown';
  readonly id: string;
};

/**
 * One audit record, normalized. Findings and the rule index read the typed fields; rules read `fields`, a view over the
 * raw record plus the provider's alias table (SigmaHQ field names).
 */
type AuditEvent = {
  readonly provider: Provider;
  /** eventSource / protoPayload.serviceName / Azure resource provider namespace, as logged. */
  readonly service: string;
  /** eventName / protoPayload.methodName / Azure operationName, as logged. */
  readonly operation: string;
  readonly outcome: Outcome;
  /** Provider error code or message when the call failed (AccessDenied, PERMISSION_DENIED, Failed…). */
  readonly errorCode?: string;
  readonly actor: Actor;
  readonly sourceIp?: string;
  readonly userAgent?: string;
  readonly scope: Scope;
  readonly region: string;
  readonly resource: string;
  /** ISO-8601 event time as logged. */
  readonly time: string;
  /** The record's own id (eventID, insertId or operation id, EventDataId, or a content hash where none exists). */
  readonly id: string;
  /** True for calls that only read (Get*, List*, Describe*, CloudTrail readOnly, GCP data reads). */
  readonly readOnly: boolean;
  /** The record without its envelope, as it arrived. */
  readonly raw: Readonly<Record<string, unknown>>;
  /** What rules match against. */
  readonly fields: FieldSource;
};

export type { Actor, AuditEvent, Outcome, Provider, Scope };
