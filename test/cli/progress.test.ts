import { describe, expect, it } from 'vitest';
import { createProgress } from '../../functions/cli/progress.js';

const ticking = (isTTY: boolean) => {
  let now = 0;
  let written = '';
  const progress = createProgress({ isTTY, stderr: { write: (chunk: string) => (written += chunk) } }, () => now);
  const run = (events: number, msPerEvent: number): void => {
    for (let i = 0; i < events; i++) {
      now += msPerEvent;
      progress.tick();
    }
  };
  return { progress, run, output: () => written };
};

describe('createProgress()', () => {
  it('draws events per second on a terminal once the scan runs longer than two seconds', () => {
    // Prepare
    const { progress, run, output } = ticking(true);
    // Act
    run(10_000, 1);
    progress.done();
    // Assess
    expect(output()).toContain('\r\u001b[Kscanning: ');
    expect(output()).toMatch(/scanning: \d+ events, 1000 events\/s/);
    expect(output().endsWith('\r\u001b[K')).toBe(true);
  });

  it('stays silent for a short scan', () => {
    // Prepare
    const { progress, run, output } = ticking(true);
    // Act
    run(1_000, 1);
    progress.done();
    // Assess
    expect(output()).toBe('');
  });

  it('never draws when stderr is not a terminal', () => {
    // Prepare
    const { progress, run, output } = ticking(false);
    // Act
    run(10_000, 1);
    progress.done();
    // Assess
    expect(output()).toBe('');
  });
});
