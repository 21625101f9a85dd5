import { oneLine } from '../core/findings/summary.js';
import type { Finding } from '../core/findings/types.js';

type Format = 'text' | 'json' | 'ndjson';

/** Where a finding's event came from, for the responder who wants to open the file. */
type Origin = { readonly source: string; readonly location: string };

/** One input problem as the json report carries it. */
type ReportProblem = { readonly source: string; readonly location?: string; readonly message: string };

type ScanSummary = {
  readonly rules: number;
  readonly inputs: number;
  readonly events: number;
  readonly findings: number;
  readonly errors: number;
  readonly ruleErrors: number;
};

const scopeWord = { aws: 'account', gcp: 'project', azure: 'subscription' } as const;

const orNone = (text: string | undefined): string => (text === undefined || text === '' ? '(none)' : oneLine(text));

const techniqueLine = (t: Finding['attack']['techniques'][number]): string =>
  t.legacyId === t.id ? `${t.id} ${t.name}` : `${t.id} ${t.name} (pre-v19 ${t.legacyId} ${t.legacyName})`;

const whoLine = (finding: Finding): string => {
  const { actor, event } = finding;
  const parts = [`${orNone(actor.id)}${actor.type === '' ? '' : ` (${oneLine(actor.type)})`}`];
  if (actor.principal !== undefined && actor.principal !== actor.id) parts.push(`via ${oneLine(actor.principal)}`);
  if (event.sourceIp !== undefined) parts.push(`from ${oneLine(event.sourceIp)}`);
  if (event.userAgent !== undefined) parts.push(`agent ${oneLine(event.userAgent)}`);
  return parts.join(', ');
};

const outcomeText = (event: Finding['event']): string =>
  event.errorCode === undefined ? event.outcome : `${event.outcome} (${oneLine(event.errorCode)})`;

/**
 * One finding as a block for a responder: severity and title first, then who, what, where, when, the technique in both
 * ATT&CK numberings, the rule and its author (the DRL asks for the author on every match), and where the record is.
 */
const renderText = (finding: Finding, origin: Origin): string => {
  const { event, target, rule, attack } = finding;
  const label = (name: string, value: string): string => `  ${(name === '' ? '' : `${name}:`).padEnd(8)}${value}`;
  const tactic = `${attack.tactic.id} ${attack.tactic.name} (pre-v19 ${attack.tactic.legacyId} ${attack.tactic.legacyName})`;
  const lines = [
    `[${finding.severity.toUpperCase()}] ${oneLine(rule.title)}`,
    `  ${finding.summary}`,
    label('who', whoLine(finding)),
    label('what', `${oneLine(event.operation)} on ${oneLine(event.service)}: ${outcomeText(event)}`),
    label(
      'where',
      `${finding.provider} ${scopeWord[finding.provider]} ${orNone(target.account)}, region ${orNone(target.region)}, resource ${orNone(target.resource)}`,
    ),
    label('when', `${oneLine(event.time)} (event ${oneLine(event.id)})`),
    ...attack.techniques.map((t, i) => label(i === 0 ? 'attack' : '', techniqueLine(t))),
    label('tactic', tactic),
    label(
      'rule',
      `${oneLine(rule.name)} v${rule.version} by ${orNone(rule.author)}${rule.license === undefined ? '' : ` (${oneLine(rule.license)})`}`,
    ),
    label('input', `${oneLine(origin.source)}: ${oneLine(origin.location)}`),
    label('id', finding.id),
  ];
  return `${lines.join('\n')}\n\n`;
};

/** One finding per line: the v1 body exactly as the Lambda publishes it. */
const renderNdjson = (finding: Finding): string => `${JSON.stringify(finding)}\n`;

/** The whole run as one JSON document. */
const renderJsonReport = (report: {
  findings: readonly Finding[];
  errors: readonly ReportProblem[];
  notices: readonly ReportProblem[];
  summary: ScanSummary;
}): string => `${JSON.stringify(report, null, 2)}\n`;

const plural = (count: number, noun: string): string => `${count} ${noun}${count === 1 ? '' : 's'}`;

/** The last stderr line of a scan. */
const renderSummary = (summary: ScanSummary): string => {
  const ruleErrors = summary.ruleErrors === 0 ? '' : `, ${plural(summary.ruleErrors, 'rule error')}`;
  return `scanned ${plural(summary.inputs, 'input')} (${plural(summary.events, 'event')}) with ${plural(summary.rules, 'rule')}: ${plural(summary.findings, 'finding')}, ${plural(summary.errors, 'input error')}${ruleErrors}\n`;
};

export {
  type Format,
  type Origin,
  type ReportProblem,
  renderJsonReport,
  renderNdjson,
  renderSummary,
  renderText,
  type ScanSummary,
};
