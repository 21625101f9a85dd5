// Prints the cross-check's figures and its disagreements (for docs/crosscheck.md and for updating
// known-disagreements.json): `npx tsx test/crosscheck/report.ts [--json] [--events <rule-stem>]`.
import { checkKnown, keyOf } from './compare.js';
import { prepare, readKnown, runCrosscheck } from './crosscheck.js';

const main = (): void => {
  const state = prepare();
  if (!state.ready) throw new Error(state.reason);
  const { comparison: c, oracle, events } = runCrosscheck();
  const args = process.argv.slice(2);
  const eventsOf = args[args.indexOf('--events') + 1];
  if (args.includes('--events') && eventsOf !== undefined) {
    for (const event of events.filter((e) => e.id.startsWith(`${eventsOf}/`))) {
      process.stdout.write(`${JSON.stringify({ id: event.id, intent: event.intent, record: event.record })}\n`);
    }
    return;
  }
  if (args.includes('--json')) {
    process.stdout.write(`${JSON.stringify(c.disagreements, null, 2)}\n`);
    return;
  }
  const percent = (part: number, whole: number) => ((100 * part) / whole).toFixed(3);
  const own = events.length;
  const lines = [
    `oracle: ${oracle.name}`,
    `rules: ${c.rules}, events: ${own} (${events.filter((e) => e.intent === 'match').length} expected to match)`,
    `pairs: ${c.pairs}, agreements: ${c.agreements} (${percent(c.agreements, c.pairs)} %)`,
    `own-rule pairs: ${c.ownPairs}, agreements: ${c.ownAgreements} (${percent(c.ownAgreements, c.ownPairs)} %)`,
    `disagreements: ${c.disagreements.length}`,
    ...c.disagreements.map((d) => `  ${keyOf(d)}`),
    `generator surprises (both engines agree, generator expected otherwise): ${c.surprises.length}`,
    ...c.surprises.map((s) => `  ${keyOf(s)} intent=${s.intent}`),
    `rules without a both-match and a both-no-match own event: ${c.uncovered.join(', ') || 'none'}`,
  ];
  const { unexpected, resolved } = checkKnown(c.disagreements, readKnown());
  lines.push(`not in known-disagreements.json: ${unexpected.length}; listed but resolved: ${resolved.length}`);
  process.stdout.write(`${lines.join('\n')}\n`);
};

main();
