import { describe, expect, it } from 'vitest';
import { createFieldView } from '../../../../functions/core/field-view.js';

const record = {
  eventName: 'StopLogging',
  'a.b': 'flat',
  a: { b: 'nested', c: null },
  readOnly: false,
  count: 3,
  resources: [{ ARN: 'arn:1' }, { ARN: 'arn:2' }, { type: 'x' }],
  layers: ['l1', ['l2', 'l3']],
  empty: [],
  requestParameters: { enable: false, name: 'trail' },
};

describe('createFieldView()', () => {
  it.each<{ path: string; values: unknown[] | undefined }>([
    { path: 'eventName', values: ['StopLogging'] },
    { path: 'a.b', values: ['flat'] },
    { path: 'a.c', values: [null] },
    { path: 'a.missing', values: undefined },
    { path: 'missing', values: undefined },
    { path: 'readOnly', values: [false] },
    { path: 'resources.ARN', values: ['arn:1', 'arn:2'] },
    { path: 'resources.type', values: ['x'] },
    { path: 'resources.none', values: undefined },
    { path: 'layers', values: ['l1', 'l2', 'l3'] },
    { path: 'empty', values: [] },
    { path: 'eventName.length', values: undefined },
    { path: 'constructor', values: undefined },
    { path: '__proto__', values: undefined },
    { path: 'requestParameters', values: [{ enable: false, name: 'trail' }] },
  ])('get($path)', ({ path, values }) => {
    // Act
    const found = createFieldView(record).get(path);
    // Assess
    expect(found).toEqual(values);
  });

  it('gives text forms: numbers and booleans via String, objects as JSON, null as no text', () => {
    // Act
    const view = createFieldView(record);
    const texts = ['count', 'readOnly', 'requestParameters', 'a.c', 'eventName'].map(
      (path) => view.texts?.(path)?.raw[0],
    );
    // Assess
    expect(texts).toEqual(['3', 'false', '{"enable":false,"name":"trail"}', undefined, 'StopLogging']);
    expect(view.texts?.('eventName')?.folded).toEqual(['stoplogging']);
  });

  it('lists every scalar leaf as text', () => {
    // Act
    const leaves = createFieldView({ a: 'x', b: [1, true, null, { c: 'Y' }] }).leaves();
    // Assess
    expect(leaves).toEqual(['x', '1', 'true', 'Y']);
  });

  it('tries the alias paths in order; the first present wins', () => {
    // Prepare
    const aliases = (path: string) =>
      path === 'OperationNameValue' ? ['missing', 'operationName.value', 'operationName'] : undefined;
    // Act
    const view = createFieldView({ operationName: { value: 'X/DELETE' } }, aliases);
    // Assess
    expect(view.get('OperationNameValue')).toEqual(['X/DELETE']);
    expect(view.get('operationName.value')).toEqual(['X/DELETE']);
  });

  it('caches per event', () => {
    // Prepare
    const view = createFieldView(record);
    // Act
    const [first, second] = [view.texts?.('eventName'), view.texts?.('eventName')];
    // Assess
    expect(first).toBe(second);
    expect(view.foldedLeaves?.()).toBe(view.foldedLeaves?.());
  });
});
