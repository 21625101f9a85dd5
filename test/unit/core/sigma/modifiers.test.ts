import { describe, expect, it } from 'vitest';
import { modifiers, planModifiers } from '../../../../functions/core/sigma/modifiers.js';

describe('planModifiers()', () => {
  it.each([
    { chain: [], kind: 'string', position: 'exact' },
    { chain: ['contains'], kind: 'string', position: 'contains' },
    { chain: ['contains', 'all'], kind: 'string', position: 'contains' },
    { chain: ['cased', 'startswith'], kind: 'string', position: 'startswith' },
    { chain: ['endswith', 'cased'], kind: 'string', position: 'endswith' },
    { chain: ['re', 'i', 'm', 's'], kind: 'regex', position: 'exact' },
    { chain: ['re', 'ignorecase', 'multiline', 'dotall'], kind: 'regex', position: 'exact' },
    { chain: ['cidr'], kind: 'cidr', position: 'exact' },
    { chain: ['exists'], kind: 'exists', position: 'exact' },
    { chain: ['fieldref', 'contains'], kind: 'fieldref', position: 'contains' },
    { chain: ['gte'], kind: 'compare', position: 'exact' },
    { chain: ['windash', 'contains'], kind: 'string', position: 'contains' },
    { chain: ['contains', 'windash'], kind: 'string', position: 'contains' },
    { chain: ['wide', 'base64offset', 'contains'], kind: 'string', position: 'contains' },
    { chain: ['base64', 'base64'], kind: 'string', position: 'exact' },
    { chain: ['neq', 'contains'], kind: 'string', position: 'contains' },
  ])('accepts $chain', ({ chain, kind, position }) => {
    // Act
    const plan = planModifiers(chain, false);
    // Assess
    expect({ kind: plan.kind, position: plan.position }).toEqual({ kind, position });
  });

  it.each([
    { chain: ['contians'], keyword: false, reason: "unknown modifier 'contians'" },
    { chain: ['constructor'], keyword: false, reason: "unknown modifier 'constructor'" },
    { chain: ['__proto__'], keyword: false, reason: "unknown modifier '__proto__'" },
    { chain: [''], keyword: false, reason: 'empty modifier' },
    { chain: ['contains', 're'], keyword: false, reason: "'re' must be the first modifier" },
    { chain: ['re', 'contains'], keyword: false, reason: "'contains' cannot follow 're'" },
    { chain: ['i'], keyword: false, reason: "regex flag 'i' needs 're' before it" },
    { chain: ['contains', 'endswith'], keyword: false, reason: 'only one of contains, startswith, endswith' },
    { chain: ['contains', 'contains'], keyword: false, reason: "modifier 'contains' repeated" },
    { chain: ['exists', 'all'], keyword: false, reason: "'all' cannot follow 'exists'" },
    { chain: ['cidr', 'cased'], keyword: false, reason: "'cased' applies to strings and field references only" },
    { chain: ['contains', 'cidr'], keyword: false, reason: "'cidr' must be the first modifier" },
    { chain: ['gt', 'all'], keyword: false, reason: "'gt' takes no other modifier" },
    { chain: ['wide'], keyword: false, reason: "'wide' must be followed by base64 or base64offset" },
    { chain: ['base64', 'wide'], keyword: false, reason: "'wide' must be followed by base64 or base64offset" },
    { chain: ['base64offset'], keyword: false, reason: "'base64offset' must be followed by 'contains'" },
    {
      chain: ['contains', 'base64'],
      keyword: false,
      reason: "'base64' must come before contains, startswith, endswith",
    },
    { chain: ['neq', 'all'], keyword: false, reason: "'neq' and 'all' cannot be combined" },
    { chain: ['re'], keyword: true, reason: "'re' needs a field" },
    { chain: ['neq'], keyword: true, reason: "'neq' needs a field" },
    {
      chain: ['expand'],
      keyword: false,
      reason: "placeholders ('expand', %name%) need a processing pipeline and are not supported",
    },
    {
      chain: ['year'],
      keyword: false,
      reason: 'time-part modifiers (minute, hour, day, week, month, year) are not supported',
    },
  ])('refuses $chain', ({ chain, keyword, reason }) => {
    // Act
    const act = () => planModifiers(chain, keyword);
    // Assess
    expect(act).toThrow(reason);
  });

  it('is a Map: inherited object keys are never modifiers', () => {
    // Assess
    expect(modifiers.has('toString')).toBe(false);
    expect(modifiers.has('hasOwnProperty')).toBe(false);
  });
});
