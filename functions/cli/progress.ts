import type { CliIo } from './cli-io.js';

/** A scan shorter than this never draws progress: the summary line is enough. */
const quietMs = 2_000;
const everyMs = 1_000;

/**
 * Events-per-second progress on stderr, redrawn in place about once a second, only when stderr is a terminal and only
 * after the scan has run for two seconds. `done()` clears the line so the summary starts clean.
 */
const createProgress = (io: Pick<CliIo, 'stderr' | 'isTTY'>, clock: () => number = Date.now) => {
  const started = clock();
  let events = 0;
  let lastDrawn = started;
  let drawn = false;
  const tick = (): void => {
    events += 1;
    if (!io.isTTY || (events & 0xff) !== 0) return;
    const now = clock();
    if (now - started < quietMs || now - lastDrawn < everyMs) return;
    lastDrawn = now;
    drawn = true;
    const rate = Math.round((events * 1000) / Math.max(1, now - started));
    io.stderr.write(`\r\u001b[Kscanning: ${events} events, ${rate} events/s`);
  };
  const done = (): void => {
    if (drawn) io.stderr.write('\r\u001b[K');
  };
  return { tick, done };
};

export { createProgress };
