import type { AliasResolver } from '../../field-view.js';
import type { AzureRecord } from './decode.js';

// One name per Activity Log concept in each form: diagnostic, Log Analytics, REST (DESIGN §4.2). The order is fixed,
// not "asked name first": REST's `operationName` is an object, so `operationName.value` must be tried before it.
const groups: readonly (readonly string[])[] = [
  ['operationName.value', 'operationName', 'OperationNameValue'],
  ['resultType', 'ActivityStatusValue', 'status.value'],
  ['resultSignature', 'ActivitySubstatusValue', 'subStatus.value'],
  ['CategoryValue', 'category.value', 'properties.eventCategory', 'Properties_d.eventCategory'],
  ['ResourceProviderValue', 'resourceProviderName.value'],
  ['resourceId', 'ResourceId', '_ResourceId'],
  ['callerIpAddress', 'CallerIpAddress', 'httpRequest.clientIpAddress'],
  ['caller', 'Caller'],
  ['correlationId', 'CorrelationId'],
  ['eventDataId', 'EventDataId'],
  ['operationId', 'OperationId'],
  ['time', 'TimeGenerated', 'eventTimestamp'],
  ['subscriptionId', 'SubscriptionId'],
  ['resourceGroupName', 'ResourceGroup'],
];

// Sub-trees with the same keys under another name in each form; the asked prefix is tried first.
const prefixGroups: readonly (readonly string[])[] = [
  ['properties', 'Properties_d'],
  ['identity.claims', 'claims', 'Claims_d'],
  ['identity.authorization', 'authorization', 'Authorization_d'],
];

const byName = new Map<string, readonly string[]>(
  groups.flatMap((group) => group.map((name) => [name, group] as const)),
);

const viaPrefix = (path: string): readonly string[] | undefined => {
  for (const group of prefixGroups) {
    const asked = group.find((prefix) => path === prefix || path.startsWith(`${prefix}.`));
    if (asked !== undefined) {
      const rest = path.slice(asked.length);
      return [asked, ...group.filter((prefix) => prefix !== asked)].map((prefix) => `${prefix}${rest}`);
    }
  }
  return undefined;
};

/**
 * Azure field names resolved across the three forms, so a rule written for one form reads all of them.
 *
 * @example
 * azureAliases('OperationNameValue'); // ['operationName.value', 'operationName', 'OperationNameValue']
 * azureAliases('properties.entity');  // ['properties.entity', 'Properties_d.entity']
 */
const azureAliases: AliasResolver = (path) => byName.get(path) ?? viaPrefix(path);

/** Values a form implies without holding them under the shared name (e.g. the provider namespace of a diagnostic record). */
const derivedAzureFields = (record: AzureRecord, actorId: string | undefined): ReadonlyMap<string, string> => {
  const derived = new Map<string, string>();
  const put = (names: readonly string[], value: string | undefined): void => {
    if (value !== undefined) for (const name of names) derived.set(name, value);
  };
  put(['ResourceProviderValue', 'resourceProviderName.value'], record.resourceProvider);
  put(['CategoryValue', 'category.value'], record.category);
  put(['subscriptionId', 'SubscriptionId'], record.subscriptionId);
  put(['caller', 'Caller'], actorId);
  return derived;
};

export { azureAliases, derivedAzureFields };
