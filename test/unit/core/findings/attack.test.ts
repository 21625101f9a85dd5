import { describe, expect, it } from 'vitest';
import { attackTactic, attackTechniques, resolveTechnique } from '../../../../functions/core/findings/attack.js';

describe('resolveTechnique()', () => {
  // DESIGN §5.2: v19 id → default pre-v19 id.
  const rows = [
    {
      v19: 'T1685',
      name: 'Disable or Modify Tools',
      legacyId: 'T1562.001',
      legacyName: 'Impair Defenses: Disable or Modify Tools',
    },
    {
      v19: 'T1685.002',
      name: 'Disable or Modify Cloud Log',
      legacyId: 'T1562.008',
      legacyName: 'Impair Defenses: Disable or Modify Cloud Logs',
    },
    {
      v19: 'T1686.001',
      name: 'Cloud Firewall',
      legacyId: 'T1562.007',
      legacyName: 'Impair Defenses: Disable or Modify Cloud Firewall',
    },
    {
      v19: 'T1686',
      name: 'Disable or Modify System Firewall',
      legacyId: 'T1562.004',
      legacyName: 'Impair Defenses: Disable or Modify System Firewall',
    },
    {
      v19: 'T1686.003',
      name: 'Windows Host Firewall',
      legacyId: 'T1562.004',
      legacyName: 'Impair Defenses: Disable or Modify System Firewall',
    },
    {
      v19: 'T1685.001',
      name: 'Disable or Modify Windows Event Log',
      legacyId: 'T1562.002',
      legacyName: 'Impair Defenses: Disable Windows Event Logging',
    },
    { v19: 'T1689', name: 'Downgrade Attack', legacyId: 'T1562.010', legacyName: 'Impair Defenses: Downgrade Attack' },
    {
      v19: 'T1685.004',
      name: 'Disable or Modify Linux Audit System Log',
      legacyId: 'T1562.012',
      legacyName: 'Impair Defenses: Disable or Modify Linux Audit System',
    },
  ];

  it.each(rows)('reverses $v19 to $legacyId by default', ({ v19, name, legacyId, legacyName }) => {
    // Act
    const technique = resolveTechnique(v19, []);
    // Assess
    expect(technique).toEqual({ id: v19, name, legacyId, legacyName });
  });

  it.each([
    { legacy: 'T1562', v19: 'T1685' },
    { legacy: 'T1562.001', v19: 'T1685' },
    { legacy: 'T1562.006', v19: 'T1685' },
    { legacy: 'T1562.008', v19: 'T1685.002' },
    { legacy: 'T1562.007', v19: 'T1686.001' },
    { legacy: 'T1562.004', v19: 'T1686' },
  ])('moves a pre-v19 tag $legacy forward to $v19 and keeps it as the legacy id', ({ legacy, v19 }) => {
    // Act
    const technique = resolveTechnique(legacy, []);
    // Assess
    expect(technique.id).toBe(v19);
    expect(technique.legacyId).toBe(legacy);
  });

  it('keeps a technique outside the T1562 family as its own legacy id', () => {
    // Act
    const technique = resolveTechnique('T1078', []);
    // Assess
    expect(technique).toEqual({ id: 'T1078', name: 'Valid Accounts', legacyId: 'T1078', legacyName: 'Valid Accounts' });
  });

  it('keeps an unknown technique id with the id as its name', () => {
    expect(resolveTechnique('T9999', [])).toEqual({
      id: 'T9999',
      name: 'T9999',
      legacyId: 'T9999',
      legacyName: 'T9999',
    });
  });

  it('takes the legacy id from an override that T1562 replaced with this technique', () => {
    // Act
    const technique = resolveTechnique('T1685', ['T1562.006']);
    // Assess
    expect(technique.legacyId).toBe('T1562.006');
    expect(technique.legacyName).toBe('Impair Defenses: Indicator Blocking');
  });

  it('ignores an override that belongs to another technique', () => {
    expect(resolveTechnique('T1685.002', ['T1562.006']).legacyId).toBe('T1562.008');
  });
});

describe('attackTechniques()', () => {
  it('reads technique tags in order and skips tactics and other namespaces', () => {
    // Prepare
    const tags = ['attack.defense-impairment', 'attack.t1685.002', 'cve.2024-1234', 'attack.T1078.004', 'attack.g0016'];
    // Act
    const ids = attackTechniques(tags).map((t) => [t.id, t.legacyId]);
    // Assess
    expect(ids).toEqual([
      ['T1685.002', 'T1562.008'],
      ['T1078.004', 'T1078.004'],
    ]);
  });

  it('applies tamperwatch.attack_legacy written in lower case', () => {
    // Act
    const [technique] = attackTechniques(['attack.t1685'], ['t1562']);
    // Assess
    expect(technique?.legacyId).toBe('T1562');
    expect(technique?.legacyName).toBe('Impair Defenses');
  });

  it('lists a technique once when a v19 tag and its pre-v19 tag both appear', () => {
    expect(attackTechniques(['attack.t1685.002', 'attack.t1562.008']).map((t) => t.id)).toEqual(['T1685.002']);
  });

  it('returns no technique for a rule without technique tags', () => {
    expect(attackTechniques(['attack.defense-impairment'])).toEqual([]);
  });
});

describe('attackTactic()', () => {
  it('is Defense Impairment, formerly Defense Evasion', () => {
    expect(attackTactic()).toEqual({
      id: 'TA0112',
      name: 'Defense Impairment',
      legacyId: 'TA0005',
      legacyName: 'Defense Evasion',
    });
  });
});
