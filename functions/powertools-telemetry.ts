import type { Logger } from '@aws-lambda-powertools/logger';
import { type Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Telemetry } from './pipeline.js';

/**
 * The pipeline's telemetry port over Powertools: counts and timings as EMF metrics (no API call), warnings as logs. A
 * dimension (e.g. `region`) goes out as a single metric next to the default `service` dimension.
 *
 * @example
 * const telemetry = powertoolsTelemetry(metrics, logger);
 * telemetry.count('TrailUnhealthy', 1, { name: 'region', value: 'eu-west-1' });
 */
const powertoolsTelemetry = (metrics: Metrics, logger: Logger): Telemetry => ({
  count: (name, value, dimension) => {
    if (dimension === undefined) return void metrics.addMetric(name, MetricUnit.Count, value);
    metrics.singleMetric().addDimension(dimension.name, dimension.value).addMetric(name, MetricUnit.Count, value);
  },
  milliseconds: (name, value) => void metrics.addMetric(name, MetricUnit.Milliseconds, value),
  warn: (message, details) => logger.warn(message, { ...details }),
});

/** The account a function runs in, from its ARN in the invocation context (no API call). */
const accountOf = (invokedFunctionArn: string): string => invokedFunctionArn.split(':')[4] ?? '';

export { accountOf, powertoolsTelemetry };
