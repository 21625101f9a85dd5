/**
 * Trail health (DESIGN §1.1 "the blind spot", §9.1): what CloudTrail's DescribeTrails, GetTrailStatus and
 * GetEventSelectors say about one region, judged without I/O. EventBridge receives management events only while a
 * logging trail covers the region, so the question is: does at least one trail log this region's write management
 * events, and deliver them?
 */

/** A basic event selector, as GetEventSelectors returns it. */
type BasicSelector = {
  readonly readWriteType?: string;
  readonly includeManagementEvents?: boolean;
  readonly excludeManagementEventSources?: readonly string[];
};

/** One field condition of an advanced event selector. */
type FieldSelector = {
  readonly field: string;
  readonly equals?: readonly string[];
  readonly notEquals?: readonly string[];
  readonly startsWith?: readonly string[];
  readonly notStartsWith?: readonly string[];
  readonly endsWith?: readonly string[];
  readonly notEndsWith?: readonly string[];
};

type TrailSelectors = {
  readonly basic: readonly BasicSelector[];
  readonly advanced: readonly { readonly name?: string; readonly fieldSelectors: readonly FieldSelector[] }[];
};

/** GetTrailStatus, times in epoch milliseconds. */
type TrailStatusView = {
  readonly isLogging: boolean;
  readonly latestDeliveryTime?: number;
  readonly startLoggingTime?: number;
  readonly stopLoggingTime?: number;
  readonly latestDeliveryError?: string;
  readonly latestCloudWatchLogsDeliveryError?: string;
  readonly latestDigestDeliveryError?: string;
  readonly latestNotificationError?: string;
};

/** One trail seen from the region (shadow and organization trails included). A failed call leaves its part out. */
type TrailSnapshot = {
  readonly arn: string;
  readonly name: string;
  readonly homeRegion: string;
  readonly multiRegion: boolean;
  readonly organization: boolean;
  readonly status?: TrailStatusView;
  readonly selectors?: TrailSelectors;
  /** Why the status or the selectors could not be read (AccessDenied, TrailNotFoundException…). */
  readonly error?: string;
};

type ProblemCode =
  | 'no-trail'
  | 'not-logging'
  | 'management-events-excluded'
  | 'write-events-excluded'
  | 'status-unavailable'
  | 'delivery-error'
  | 'delivery-stale'
  | 'sources-excluded'
  | 'notification-error';

/** `critical` when the trail records nothing the detector needs; `high` when it records but delivers badly or narrowly. */
type Problem = {
  readonly code: ProblemCode;
  readonly severity: 'critical' | 'high';
  readonly trail: string;
  readonly detail: string;
};

/**
 * `blind`: no trail covers the region's write management events (the real-time path hears nothing);
 * `degraded`: covered, but every covering trail leaves some event sources out; `healthy` otherwise.
 */
type RegionHealth = {
  readonly state: 'healthy' | 'degraded' | 'blind';
  readonly severity: 'critical' | 'high' | undefined;
  /** ARNs of the trails that cover the region. */
  readonly covering: readonly string[];
  readonly problems: readonly Problem[];
  /** The latest StopLoggingTime among stopped trails: when blindness most likely began. */
  readonly stoppedAt?: number;
};

type HealthOptions = {
  readonly now: number;
  /** A logging trail whose last S3 delivery is older than this is stale (DESIGN: 30 min). */
  readonly maxDeliveryAgeMs: number;
};

type Coverage = { readonly writes: boolean; readonly management: boolean; readonly excluded: readonly string[] };

const covers = (values: readonly string[] | undefined, value: string): boolean =>
  values?.some((candidate) => candidate.toLowerCase() === value.toLowerCase()) ?? false;

/** Basic selectors: an event is logged when any selector takes it; a source is left out only if every one excludes it. */
const basicCoverage = (selectors: readonly BasicSelector[]): Coverage => {
  const management = selectors.filter((selector) => selector.includeManagementEvents !== false);
  const writing = management.filter((selector) => (selector.readWriteType ?? 'All') !== 'ReadOnly');
  if (writing.length === 0) return { management: management.length > 0, writes: false, excluded: [] };
  const [first, ...rest] = writing.map((selector) => selector.excludeManagementEventSources ?? []);
  const excluded = (first ?? []).filter((source) => rest.every((list) => list.includes(source)));
  return { management: true, writes: true, excluded };
};

const isManagementSelector = (fields: readonly FieldSelector[]): boolean =>
  fields.some((field) => field.field === 'eventCategory' && covers(field.equals, 'Management'));

const takesWrites = (fields: readonly FieldSelector[]): boolean =>
  !fields.some(
    (field) => field.field === 'readOnly' && (covers(field.equals, 'true') || covers(field.notEquals, 'false')),
  );

/** Conditions other than category and read-only narrow the selector: they are reported as left-out sources. */
const narrowing = (fields: readonly FieldSelector[]): string[] =>
  fields
    .filter((field) => field.field !== 'eventCategory' && field.field !== 'readOnly')
    .map((field) => {
      const [operator, values] =
        Object.entries(field).find(([key, value]) => key !== 'field' && Array.isArray(value)) ?? [];
      return `${field.field} ${operator ?? '?'} ${((values as string[] | undefined) ?? []).join(',')}`;
    });

const advancedCoverage = (selectors: TrailSelectors['advanced']): Coverage => {
  const management = selectors.filter((selector) => isManagementSelector(selector.fieldSelectors));
  const writing = management.filter((selector) => takesWrites(selector.fieldSelectors));
  if (writing.length === 0) return { management: management.length > 0, writes: false, excluded: [] };
  const open = writing.find((selector) => narrowing(selector.fieldSelectors).length === 0);
  return {
    management: true,
    writes: true,
    excluded: open === undefined ? narrowing(writing[0]?.fieldSelectors ?? []) : [],
  };
};

/** A trail without any selector logs all management events (CloudTrail's default). */
const coverageOf = (selectors: TrailSelectors): Coverage => {
  if (selectors.basic.length === 0 && selectors.advanced.length === 0)
    return { management: true, writes: true, excluded: [] };
  return selectors.advanced.length > 0 ? advancedCoverage(selectors.advanced) : basicCoverage(selectors.basic);
};

const iso = (ms: number): string => new Date(ms).toISOString();

/** The problems of one trail, and whether it still covers the region. */
const judgeTrail = (trail: TrailSnapshot, options: HealthOptions): { covering: boolean; problems: Problem[] } => {
  const problem = (code: ProblemCode, severity: Problem['severity'], detail: string): Problem => ({
    code,
    severity,
    trail: trail.arn,
    detail,
  });
  const { status, selectors } = trail;
  if (status === undefined || selectors === undefined)
    return {
      covering: false,
      problems: [problem('status-unavailable', 'high', `trail ${trail.name}: ${trail.error ?? 'status not readable'}`)],
    };
  if (!status.isLogging) {
    const since = status.stopLoggingTime === undefined ? '' : ` since ${iso(status.stopLoggingTime)}`;
    return {
      covering: false,
      problems: [problem('not-logging', 'critical', `trail ${trail.name} is not logging${since}`)],
    };
  }
  const coverage = coverageOf(selectors);
  if (!coverage.management)
    return {
      covering: false,
      problems: [problem('management-events-excluded', 'critical', `trail ${trail.name} logs no management events`)],
    };
  if (!coverage.writes)
    return {
      covering: false,
      problems: [
        problem('write-events-excluded', 'critical', `trail ${trail.name} logs read-only management events only`),
      ],
    };
  const problems: Problem[] = [];
  const errors = [
    ['S3', status.latestDeliveryError],
    ['CloudWatch Logs', status.latestCloudWatchLogsDeliveryError],
    ['digest', status.latestDigestDeliveryError],
  ].filter((entry): entry is [string, string] => (entry[1] ?? '') !== '');
  for (const [target, error] of errors)
    problems.push(problem('delivery-error', 'high', `trail ${trail.name}: ${target} delivery fails (${error})`));
  const loggingFor =
    status.startLoggingTime === undefined ? Number.POSITIVE_INFINITY : options.now - status.startLoggingTime;
  const deliveredAgo = status.latestDeliveryTime === undefined ? loggingFor : options.now - status.latestDeliveryTime;
  if (loggingFor > options.maxDeliveryAgeMs && deliveredAgo > options.maxDeliveryAgeMs) {
    const last = status.latestDeliveryTime === undefined ? 'never' : iso(status.latestDeliveryTime);
    problems.push(problem('delivery-stale', 'high', `trail ${trail.name}: last delivery ${last}`));
  }
  const covering = problems.length === 0;
  if ((status.latestNotificationError ?? '') !== '')
    problems.push(
      problem(
        'notification-error',
        'high',
        `trail ${trail.name}: SNS notification fails (${status.latestNotificationError})`,
      ),
    );
  if (covering && coverage.excluded.length > 0)
    problems.push(
      problem('sources-excluded', 'high', `trail ${trail.name} leaves out ${coverage.excluded.join('; ')}`),
    );
  return { covering, problems };
};

/**
 * Judges one region from its trails. Blind when no trail covers the region's write management events; the severity is
 * `critical` when nothing records them (stopped, deleted, selectors), `high` when trails record but cannot deliver.
 *
 * @example
 * const health = regionHealth(trails, { now: clock().getTime(), maxDeliveryAgeMs: 30 * 60_000 });
 * if (health.state === 'blind') // critical health finding, full backfill
 */
const regionHealth = (trails: readonly TrailSnapshot[], options: HealthOptions): RegionHealth => {
  if (trails.length === 0)
    return {
      state: 'blind',
      severity: 'critical',
      covering: [],
      problems: [{ code: 'no-trail', severity: 'critical', trail: '', detail: 'no trail covers the region' }],
    };
  const judged = trails.map((trail) => ({ trail, ...judgeTrail(trail, options) }));
  const covering = judged.filter((entry) => entry.covering);
  const problems = judged.flatMap((entry) => entry.problems);
  const stops = trails.flatMap((trail) =>
    trail.status !== undefined && !trail.status.isLogging && trail.status.stopLoggingTime !== undefined
      ? [trail.status.stopLoggingTime]
      : [],
  );
  const stoppedAt = stops.length === 0 ? undefined : Math.max(...stops);
  if (covering.length === 0) {
    const recording = judged.some((entry) => entry.problems.every((p) => p.severity === 'high'));
    return {
      state: 'blind',
      severity: recording ? 'high' : 'critical',
      covering: [],
      problems,
      ...(stoppedAt === undefined ? {} : { stoppedAt }),
    };
  }
  const narrowed = covering.every((entry) => entry.problems.some((p) => p.code === 'sources-excluded'));
  return {
    state: narrowed ? 'degraded' : 'healthy',
    severity: narrowed ? 'high' : undefined,
    covering: covering.map((entry) => entry.trail.arn),
    problems,
  };
};

export {
  type BasicSelector,
  type FieldSelector,
  type Problem,
  type ProblemCode,
  type RegionHealth,
  regionHealth,
  type TrailSelectors,
  type TrailSnapshot,
  type TrailStatusView,
};
