import { describe, expect, it } from 'vitest';
import { ConditionError, type ConditionNode, parseCondition } from '../../../../functions/core/sigma/condition.js';

const show = (node: ConditionNode): string => {
  if (node.kind === 'id') return node.name;
  if (node.kind === 'not') return `(not ${show(node.item)})`;
  return `(${node.items.map(show).join(` ${node.kind} `)})`;
};

const ids = ['a', 'b', 'c', 'd', 'selection', 'selection_x', 'filter_1', 'filter_2', '_private', 'sel_mid_end', 'Or'];

describe('parseCondition()', () => {
  it.each([
    { text: 'a or b and c', tree: '(a or (b and c))' },
    { text: 'a and b or c', tree: '((a and b) or c)' },
    { text: 'a or b and not c', tree: '(a or (b and (not c)))' },
    { text: 'not a and b', tree: '((not a) and b)' },
    { text: 'not (a and b)', tree: '(not (a and b))' },
    { text: '(a or b) and c', tree: '((a or b) and c)' },
    { text: 'not not a', tree: '(not (not a))' },
    { text: 'a and b and c', tree: '(a and b and c)' },
    { text: 'a or b or c', tree: '(a or b or c)' },
    { text: 'selection and not 1 of filter_*', tree: '(selection and (not (filter_1 or filter_2)))' },
    { text: 'all of filter_* or a', tree: '((filter_1 and filter_2) or a)' },
    { text: 'any of filter_*', tree: '(filter_1 or filter_2)' },
    { text: '1 of selection*', tree: '(selection or selection_x)' },
    { text: '1 of selection', tree: 'selection' },
    { text: '1 of sel*end', tree: 'sel_mid_end' },
    { text: '1 of _priv*', tree: '_private' },
    {
      text: 'all of them',
      tree: '(a and b and c and d and selection and selection_x and filter_1 and filter_2 and sel_mid_end and Or)',
    },
    { text: 'not(a)and(b)', tree: '((not a) and b)' },
    { text: 'a\n  and\tb', tree: '(a and b)' },
    { text: 'Or and a', tree: '(Or and a)' },
  ])('parses $text', ({ text, tree }) => {
    // Act
    const node = parseCondition(text, ids);
    // Assess
    expect(show(node)).toBe(tree);
  });

  it.each([
    { text: 'a AND b', reason: "operators are lowercase: 'AND' → 'and'", offset: 2 },
    { text: 'NOT a', reason: "operators are lowercase: 'NOT' → 'not'", offset: 0 },
    { text: 'a | count() > 5', reason: "aggregations ('|') are not supported (use correlation rules)", offset: 2 },
    { text: '2 of filter_*', reason: "'2 of' is not supported (only 1 of, any of, all of)", offset: 0 },
    { text: 'a and nothing', reason: "undefined identifier 'nothing'", offset: 6 },
    { text: '1 of other_*', reason: "'1 of other_*' matches no identifier", offset: 5 },
    { text: 'filter_*', reason: "wildcard 'filter_*' needs '1 of' or 'all of'", offset: 0 },
    { text: 'a and', reason: 'unexpected end of condition', offset: 5 },
    { text: '(a', reason: 'unexpected end of condition', offset: 2 },
    { text: 'a)', reason: "unexpected ')'", offset: 1 },
    { text: 'a b', reason: "unexpected 'b'", offset: 2 },
    { text: '', reason: 'empty condition', offset: 0 },
    { text: 'a near b', reason: "unexpected 'near'", offset: 2 },
    { text: 'near', reason: "'near' is not supported (use correlation rules)", offset: 0 },
    { text: 'a 1 OF filter_*', reason: "unexpected '1'", offset: 2 },
    { text: 'all OF filter_*', reason: "operators are lowercase: 'OF' → 'of'", offset: 4 },
    { text: 'a & b', reason: "unexpected character '&'", offset: 2 },
  ])('refuses $text', ({ text, reason, offset }) => {
    // Act
    const act = () => parseCondition(text, ids);
    // Assess
    expect(act).toThrow(ConditionError);
    expect(act).toThrow(expect.objectContaining({ reason, offset }));
  });
});
