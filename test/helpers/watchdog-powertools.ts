import type { Logger } from '@aws-lambda-powertools/logger';
import type { Metrics } from '@aws-lambda-powertools/metrics';

type RecordedMetric = { name: string; unit: string; value: number; dimensions: Record<string, string> };

/** Powertools stand-ins that keep each metric with its dimensions, each log line, and how often metrics were flushed. */
const fakePowertools = () => {
  const metrics: RecordedMetric[] = [];
  const logs: { level: string; message: string; details?: unknown }[] = [];
  let flushes = 0;
  const single = () => {
    const dimensions: Record<string, string> = {};
    const port = {
      addDimension: (name: string, value: string) => {
        dimensions[name] = value;
        return port;
      },
      addMetric: (name: string, unit: string, value: number) => void metrics.push({ name, unit, value, dimensions }),
    };
    return port;
  };
  const metricsPort = {
    addMetric: (name: string, unit: string, value: number) => void metrics.push({ name, unit, value, dimensions: {} }),
    singleMetric: single,
    publishStoredMetrics: () => {
      flushes += 1;
    },
  } as unknown as Metrics;
  const log = (level: string) => (message: string, details?: unknown) => void logs.push({ level, message, details });
  const logger = {
    addContext: () => undefined,
    info: log('info'),
    warn: log('warn'),
    error: log('error'),
  } as unknown as Logger;
  return { metricsPort, logger, metrics, logs, flushes: () => flushes };
};

export { fakePowertools, type RecordedMetric };
