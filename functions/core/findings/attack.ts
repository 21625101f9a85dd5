import type { AttackTactic, AttackTechnique } from './types.js';

/**
 * The one ATT&CK table (DESIGN §5.2). ATT&CK v19 (April 2026) revoked T1562 and moved its sub-techniques to T1685 / T1686
 * and a few new parents under the new tactic TA0112 Defense Impairment. Rules carry v19 tags; findings carry both ids,
 * because Elastic, Panther and Stratus still speak T1562.x.
 */

type Named = { readonly id: string; readonly name: string };

/** v19 technique → its name and the pre-v19 technique its reverse defaults to. */
const current = new Map<string, { readonly name: string; readonly legacy: string }>([
  ['T1685', { name: 'Disable or Modify Tools', legacy: 'T1562.001' }],
  ['T1685.001', { name: 'Disable or Modify Windows Event Log', legacy: 'T1562.002' }],
  ['T1685.002', { name: 'Disable or Modify Cloud Log', legacy: 'T1562.008' }],
  ['T1685.003', { name: 'Modify or Spoof Tool UI', legacy: 'T1562.011' }],
  ['T1685.004', { name: 'Disable or Modify Linux Audit System Log', legacy: 'T1562.012' }],
  ['T1686', { name: 'Disable or Modify System Firewall', legacy: 'T1562.004' }],
  ['T1686.001', { name: 'Cloud Firewall', legacy: 'T1562.007' }],
  ['T1686.002', { name: 'Network Device Firewall', legacy: 'T1562.013' }],
  ['T1686.003', { name: 'Windows Host Firewall', legacy: 'T1562.004' }],
  ['T1688', { name: 'Safe Mode Boot', legacy: 'T1562.009' }],
  ['T1689', { name: 'Downgrade Attack', legacy: 'T1562.010' }],
  ['T1690', { name: 'Prevent Command History Logging', legacy: 'T1562.003' }],
]);

/** Pre-v19 T1562 family → its name and the v19 technique that replaced it. */
const legacy = new Map<string, { readonly name: string; readonly successor: string }>([
  ['T1562', { name: 'Impair Defenses', successor: 'T1685' }],
  ['T1562.001', { name: 'Impair Defenses: Disable or Modify Tools', successor: 'T1685' }],
  ['T1562.002', { name: 'Impair Defenses: Disable Windows Event Logging', successor: 'T1685.001' }],
  ['T1562.003', { name: 'Impair Defenses: Impair Command History Logging', successor: 'T1690' }],
  ['T1562.004', { name: 'Impair Defenses: Disable or Modify System Firewall', successor: 'T1686' }],
  ['T1562.006', { name: 'Impair Defenses: Indicator Blocking', successor: 'T1685' }],
  ['T1562.007', { name: 'Impair Defenses: Disable or Modify Cloud Firewall', successor: 'T1686.001' }],
  ['T1562.008', { name: 'Impair Defenses: Disable or Modify Cloud Logs', successor: 'T1685.002' }],
  ['T1562.009', { name: 'Impair Defenses: Safe Mode Boot', successor: 'T1688' }],
  ['T1562.010', { name: 'Impair Defenses: Downgrade Attack', successor: 'T1689' }],
  ['T1562.011', { name: 'Impair Defenses: Spoof Security Alerting', successor: 'T1685.003' }],
  ['T1562.012', { name: 'Impair Defenses: Disable or Modify Linux Audit System', successor: 'T1685.004' }],
  ['T1562.013', { name: 'Impair Defenses: Disable or Modify Network Device Firewall', successor: 'T1686.002' }],
]);

/** Techniques outside the T1562 family that cloud rules carry next to it; their id did not change in v19. */
const unchanged = new Map<string, string>([
  ['T1078', 'Valid Accounts'],
  ['T1078.004', 'Valid Accounts: Cloud Accounts'],
  ['T1098', 'Account Manipulation'],
  ['T1485', 'Data Destruction'],
  ['T1490', 'Inhibit System Recovery'],
  ['T1531', 'Account Access Removal'],
  ['T1578', 'Modify Cloud Compute Infrastructure'],
  ['T1666', 'Modify Cloud Resource Hierarchy'],
]);

/** Every finding of tamperwatch belongs to Defense Impairment; TA0005 was its home before v19. */
const defenseImpairment: AttackTactic = {
  id: 'TA0112',
  name: 'Defense Impairment',
  legacyId: 'TA0005',
  legacyName: 'Defense Evasion',
};

const techniquePattern = /^attack\.(t\d{4}(?:\.\d{3})?)$/i;

const legacyNamed = (id: string): Named => ({ id, name: legacy.get(id)?.name ?? unchanged.get(id) ?? id });

/** One technique id (v19, pre-v19 or unrelated) → both ids, the pre-v19 one taken from `overrides` when one fits. */
const resolveTechnique = (id: string, overrides: readonly string[]): AttackTechnique => {
  const old = legacy.get(id);
  const v19 = old === undefined ? id : old.successor;
  const entry = current.get(v19);
  if (entry === undefined) {
    const name = unchanged.get(id) ?? id;
    return { id, name, legacyId: id, legacyName: name };
  }
  // An explicit pre-v19 tag wins, then a rule override replaced by this technique, then the table's default.
  const chosen = old !== undefined ? id : (overrides.find((o) => legacy.get(o)?.successor === v19) ?? entry.legacy);
  const reverse = legacyNamed(chosen);
  return { id: v19, name: entry.name, legacyId: reverse.id, legacyName: reverse.name };
};

/**
 * The techniques of a rule, in tag order, each with its v19 and pre-v19 id.
 *
 * @param tags the rule's Sigma `tags` (`attack.t1685.002`, `attack.defense-impairment`, `cve.…`)
 * @param attackLegacy the rule's `tamperwatch.attack_legacy` (`t1562.001`), used where the reverse is ambiguous
 * @example
 * attackTechniques(['attack.defense-impairment', 'attack.t1685.002'])
 * // [{ id: 'T1685.002', name: 'Disable or Modify Cloud Log', legacyId: 'T1562.008', legacyName: 'Impair Defenses: …' }]
 */
const attackTechniques = (tags: readonly string[], attackLegacy: readonly string[] = []): AttackTechnique[] => {
  const overrides = attackLegacy.map((o) => o.toUpperCase());
  const seen = new Set<string>();
  const techniques: AttackTechnique[] = [];
  for (const tag of tags) {
    const id = techniquePattern.exec(tag)?.[1]?.toUpperCase();
    if (id === undefined) continue;
    const technique = resolveTechnique(id, overrides);
    if (seen.has(technique.id)) continue;
    seen.add(technique.id);
    techniques.push(technique);
  }
  return techniques;
};

/** The tactic every finding carries (TA0112, pre-v19 TA0005). */
const attackTactic = (): AttackTactic => defenseImpairment;

export { attackTactic, attackTechniques, resolveTechnique };
