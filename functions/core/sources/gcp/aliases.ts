import type { AliasResolver } from '../../field-view.js';

// Sub-trees whose keys are the API's own (request and response bodies): below them SigmaHQ's snake_case is not used.
const verbatim = new Set(['request', 'response', 'metadata', 'service_data', 'resource_original_state']);

const camel = (segment: string): string => segment.replace(/_([a-z0-9])/g, (_, letter: string) => letter.toUpperCase());

/** `gcp.audit.authentication_info.principal_email` → `protoPayload.authenticationInfo.principalEmail`. */
const fromElastic = (rest: string): string => {
  if (rest === 'type') return 'protoPayload.@type';
  const out: string[] = [];
  let copying = false;
  for (const segment of rest.split('.')) {
    out.push(copying ? segment : camel(segment));
    copying ||= verbatim.has(segment);
  }
  return `protoPayload.${out.join('.')}`;
};

/** `data.protoPayload.logName` and `data.protoPayload.resource.*` are LogEntry keys; other names sit in the payload. */
const fromDataProtoPayload = (rest: string): string =>
  rest === 'logName' || rest === 'resource' || rest.startsWith('resource.') ? rest : `protoPayload.${rest}`;

/**
 * DESIGN §4.2: the SigmaHQ GCP field names (Elastic's `gcp.audit.*`, and `data.protoPayload.*` as in the
 * gcp_breakglass rules) resolved to LogEntry paths. Other names are read as they are.
 *
 * @example
 * gcpAliases('gcp.audit.method_name'); // ['protoPayload.methodName']
 */
const gcpAliases: AliasResolver = (path) => {
  if (path.startsWith('gcp.audit.')) return [fromElastic(path.slice('gcp.audit.'.length))];
  if (path.startsWith('data.protoPayload.')) return [fromDataProtoPayload(path.slice('data.protoPayload.'.length))];
  if (path.startsWith('data.')) return [path.slice('data.'.length)];
  return undefined;
};

export { gcpAliases };
