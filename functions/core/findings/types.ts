import type { Outcome, Provider } from '../audit-event.js';

/** Finding severity: the rule level, `informational` shortened to `info`. */
type Severity = 'info' | 'low' | 'medium' | 'high' | 'critical';

/** How the event reached tamperwatch. */
type Channel = 'realtime' | 'backfill' | 'poll' | 'cli';

type AttackTechnique = {
  /** ATT&CK v19 id (T1685 / T1686 family, or another current technique). */
  readonly id: string;
  readonly name: string;
  /** The pre-v19 id (T1562.*) that tools and reports written before April 2026 use. */
  readonly legacyId: string;
  readonly legacyName: string;
};

type AttackTactic = {
  readonly id: string;
  readonly name: string;
  readonly legacyId: string;
  readonly legacyName: string;
};

/** The versioned finding body (`schemas/finding.v1.json`): the same JSON on SNS and from `tamperwatch scan`. */
type Finding = {
  readonly schema: 'tamperwatch.finding/v1';
  readonly id: string;
  readonly kind: 'detection' | 'health';
  readonly severity: Severity;
  readonly summary: string;
  readonly provider: Provider;
  readonly rule: {
    readonly id: string;
    readonly name: string;
    readonly title: string;
    readonly level: string;
    readonly author: string;
    readonly license?: string;
    readonly version: string;
    readonly references: readonly string[];
  };
  readonly attack: { readonly tactic: AttackTactic; readonly techniques: readonly AttackTechnique[] };
  readonly event: {
    readonly id: string;
    readonly time: string;
    readonly operation: string;
    readonly service: string;
    readonly outcome: Outcome;
    readonly errorCode?: string;
    readonly sourceIp?: string;
    readonly userAgent?: string;
    readonly channel: Channel;
  };
  readonly actor: { readonly id: string; readonly type: string; readonly name: string; readonly principal?: string };
  readonly target: { readonly account: string; readonly region: string; readonly resource: string };
  readonly matched: readonly string[];
  readonly detectedAt: string;
  readonly raw: unknown;
  readonly rawTruncated: boolean;
};

export type { AttackTactic, AttackTechnique, Channel, Finding, Severity };
