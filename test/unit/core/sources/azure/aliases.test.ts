import { describe, expect, it } from 'vitest';
import { azureAliases } from '../../../../../functions/core/sources/azure/aliases.js';

describe('azureAliases (DESIGN §4.2)', () => {
  it.each([
    ['operationName', ['operationName.value', 'operationName', 'OperationNameValue']],
    ['OperationNameValue', ['operationName.value', 'operationName', 'OperationNameValue']],
    ['ActivityStatusValue', ['resultType', 'ActivityStatusValue', 'status.value']],
    ['CategoryValue', ['CategoryValue', 'category.value', 'properties.eventCategory', 'Properties_d.eventCategory']],
    ['ResourceId', ['resourceId', 'ResourceId', '_ResourceId']],
    ['properties.requestbody', ['properties.requestbody', 'Properties_d.requestbody']],
    ['Properties_d.requestbody', ['Properties_d.requestbody', 'properties.requestbody']],
    ['claims.appid', ['claims.appid', 'identity.claims.appid', 'Claims_d.appid']],
    ['level', undefined],
    ['category', undefined],
  ])('resolves %s', (name, expected) => {
    expect(azureAliases(name)).toEqual(expected);
  });
});
