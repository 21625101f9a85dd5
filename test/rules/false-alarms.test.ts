import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { AuditEvent } from '../../functions/core/audit-event.js';
import { detect } from '../../functions/core/detect.js';
import { eventsFromValue } from '../../functions/core/formats/read-input.js';
import { loadRules } from '../../functions/load-rules.js';

// The false-alarm suite: benign events that a detector matching on operation names alone would flag (reverting
// operations, read-only calls, look-alike names in other services, private CIDRs, routine administration, service
// principals). Not one of them may raise a finding with the shipped rules.

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const suiteDir = join(root, 'test/fixtures/false-alarms');
const fixedNow = new Date('2026-11-24T10:00:00Z');

const listJson = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true })
    .sort((a, b) => a.name.localeCompare(b.name))
    .flatMap((entry) => {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) return listJson(path);
      return entry.name.endsWith('.json') ? [path] : [];
    });

const suite = listJson(suiteDir).map((path) => {
  const file = relative(root, path);
  const items = eventsFromValue(JSON.parse(readFileSync(path, 'utf8')), file);
  const events = items.flatMap((item) => (item.kind === 'event' ? [item.event] : []));
  const errors = items.flatMap((item) => (item.kind === 'error' ? [item.error.message] : []));
  return { file, events, errors };
});

describe('False-alarm suite', () => {
  const { ruleSet, errors: ruleErrors } = loadRules([join(root, 'rules')]);

  it('loads every shipped rule', () => {
    expect(ruleErrors.map((e) => e.message)).toEqual([]);
  });

  it('holds at least 60 benign events across the three clouds', () => {
    // Prepare
    const events: AuditEvent[] = suite.flatMap((entry) => entry.events);
    const perProvider = new Map<string, number>();
    for (const event of events) perProvider.set(event.provider, (perProvider.get(event.provider) ?? 0) + 1);
    // Assess
    expect(events.length).toBeGreaterThanOrEqual(60);
    expect([...perProvider.keys()].sort()).toEqual(['aws', 'azure', 'gcp']);
  });

  it.each(suite)('$file decodes and raises no finding', ({ file, events, errors }) => {
    // Prepare
    expect(errors, `${file} must decode`).toEqual([]);
    expect(events.length, `${file} must hold an event`).toBeGreaterThan(0);
    // Act
    const { findings, ruleErrors: runErrors } = detect(events, ruleSet, fixedNow, 'cli');
    // Assess
    expect(runErrors).toEqual([]);
    expect(findings.map((f) => `${f.rule.name} on ${f.event.operation}`)).toEqual([]);
  });
});
