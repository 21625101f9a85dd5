import * as z from 'zod';
import type { Finding } from './findings/types.js';
import { once } from './once.js';

/**
 * One reviewed suppression (DESIGN §5.5): every matcher given must hold (AND); at least one matcher is required.
 * `rule` names a rule id or rule name; `actor` and `resource` are case-sensitive globs (`*` any run, `?` one
 * character); `operation` and `provider` compare case-insensitively. `expires` is an ISO date (the entry suppresses
 * through the end of that day, UTC) or a full ISO timestamp (it suppresses until that instant).
 */
const suppressionMatch = () =>
  z
    .strictObject({
      rule: z.string().min(1).optional(),
      provider: z.enum(['aws', 'gcp', 'azure']).optional(),
      account: z.string().min(1).optional(),
      actor: z.string().min(1).optional(),
      resource: z.string().min(1).optional(),
      operation: z.string().min(1).optional(),
    })
    .refine((match) => Object.values(match).some((value) => value !== undefined), {
      message: 'needs at least one of rule, provider, account, actor, resource, operation',
    });

const isoDate = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2}))?$/;

/**
 * The schema of one suppression entry, built on first use (not at import, which would lengthen every cold start).
 *
 * @example
 * const parsed = suppressionSchema().safeParse(entry);
 */
const suppressionSchema = once(() =>
  z.strictObject({
    id: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'letters, digits, . _ - (at most 64)'),
    match: suppressionMatch(),
    owner: z.string().trim().min(1, 'owner is required'),
    reason: z.string().trim().min(1, 'reason is required'),
    ticket: z.string().min(1).optional(),
    expires: z
      .string()
      .regex(isoDate, 'an ISO date (2027-01-31) or timestamp (2027-01-31T12:00:00Z)')
      .refine((text) => !Number.isNaN(Date.parse(text)), 'not a valid date'),
  }),
);

type Suppression = z.infer<ReturnType<typeof suppressionSchema>>;

type SuppressionVerdict = {
  /** The first live entry that matches; the finding is counted, claimed and not published. */
  readonly suppressedBy?: Suppression;
  /** Entries that would have matched but have expired: they no longer suppress and must be reported. */
  readonly expired: readonly Suppression[];
};

const dayMs = 86_400_000;

/** The instant an entry stops suppressing: end of the named day (UTC) for a bare date, else the timestamp itself. */
const expiryOf = (suppression: Pick<Suppression, 'expires'>): Date => {
  const at = Date.parse(suppression.expires);
  return new Date(suppression.expires.length === 10 ? at + dayMs : at);
};

const globCache = new Map<string, RegExp>();

const globToRegExp = (glob: string): RegExp => {
  const cached = globCache.get(glob);
  if (cached !== undefined) return cached;
  const body = [...glob]
    .map((char) => (char === '*' ? '.*' : char === '?' ? '.' : char.replace(/[\\^$.+()[\]{}|/]/g, '\\$&')))
    .join('');
  const pattern = new RegExp(`^${body}$`, 's');
  globCache.set(glob, pattern);
  return pattern;
};

const matchesGlob = (glob: string, ...values: (string | undefined)[]): boolean =>
  values.some((value) => value !== undefined && globToRegExp(glob).test(value));

const sameText = (a: string, b: string): boolean => a.toLowerCase() === b.toLowerCase();

/** True when every matcher of the entry holds for the finding (expiry is not considered here). */
const matchesFinding = (suppression: Suppression, finding: Finding): boolean => {
  const { match } = suppression;
  if (match.rule !== undefined && match.rule !== finding.rule.id && match.rule !== finding.rule.name) return false;
  if (match.provider !== undefined && match.provider !== finding.provider) return false;
  if (match.account !== undefined && match.account !== finding.target.account) return false;
  if (match.operation !== undefined && !sameText(match.operation, finding.event.operation)) return false;
  if (
    match.actor !== undefined &&
    !matchesGlob(match.actor, finding.actor.id, finding.actor.name, finding.actor.principal)
  ) {
    return false;
  }
  if (match.resource !== undefined && !matchesGlob(match.resource, finding.target.resource)) return false;
  return true;
};

/**
 * Decides whether a finding is suppressed at `now`. Pure: the caller supplies the clock.
 *
 * @example
 * const { suppressedBy, expired } = suppressionFor(finding, config.suppressions, now);
 * if (suppressedBy === undefined) publish(finding); // and report `expired`
 */
const suppressionFor = (finding: Finding, suppressions: readonly Suppression[], now: Date): SuppressionVerdict => {
  const matching = suppressions.filter((entry) => matchesFinding(entry, finding));
  const live = matching.filter((entry) => expiryOf(entry).getTime() > now.getTime());
  const expired = matching.filter((entry) => expiryOf(entry).getTime() <= now.getTime());
  return live[0] === undefined ? { expired } : { suppressedBy: live[0], expired };
};

export { expiryOf, matchesFinding, type Suppression, type SuppressionVerdict, suppressionFor, suppressionSchema };
