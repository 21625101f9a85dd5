import type { Telemetry } from '../../functions/pipeline.js';

/** Keeps every metric and warning the pipeline emits, for assertions. */
const recordingTelemetry = () => {
  const counts: { name: string; value: number; dimension?: string }[] = [];
  const timings: { name: string; value: number }[] = [];
  const warnings: { message: string; details: Readonly<Record<string, unknown>> }[] = [];
  const telemetry: Telemetry = {
    count: (name, value, dimension) =>
      void counts.push({
        name,
        value,
        ...(dimension === undefined ? {} : { dimension: `${dimension.name}=${dimension.value}` }),
      }),
    milliseconds: (name, value) => void timings.push({ name, value }),
    warn: (message, details) => void warnings.push({ message, details }),
  };
  const total = (name: string): number => counts.filter((c) => c.name === name).reduce((sum, c) => sum + c.value, 0);
  return { telemetry, counts, timings, warnings, total };
};

export { recordingTelemetry };
