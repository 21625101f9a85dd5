import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  backfillWindow,
  lookupNames,
  lookupSources,
  routineNames,
  spellingIn,
} from '../../../functions/core/backfill-plan.js';
import { canaryRuleName } from '../../../functions/core/canary.js';
import { loadRules, readRuleSources } from '../../../functions/load-rules.js';
import { defaultRoutineNames } from '../../../infra/aws-config.js';

const root = fileURLToPath(new URL('../../..', import.meta.url));
const rulesDir = join(root, 'rules/aws');
const minute = 60_000;

describe('Backfill plan', () => {
  const all = lookupNames(readRuleSources([rulesDir]), [canaryRuleName]);

  it('looks up every name an AWS rule can match, spelled as CloudTrail logs it, without the canary', () => {
    // Prepare
    const { ruleSet } = loadRules([rulesDir]);
    const indexed = ruleSet.operations('aws').names.filter((name) => name !== 'putparameter');
    // Assess
    expect(all.map((name) => name.toLowerCase()).sort()).toEqual([...indexed].sort());
    expect(all).toEqual(expect.arrayContaining(['StopLogging', 'PutEventSelectors', 'UpdateFunctionCode20150331v2']));
    expect(all.filter((name) => name === name.toLowerCase())).toEqual([]);
    expect(all).not.toContain('PutParameter');
  });

  it('looks up by event source the rules that name no event, and reports those that constrain neither', () => {
    // Prepare
    const rule = (name: string, detection: string) => ({
      file: `rules/aws/x/${name}.yml`,
      text: `title: t\nid: 0f0e0d0c-0b0a-4908-8706-050403020100\nname: ${name}\nstatus: test\nauthor: tamperwatch\nlogsource:\n    product: aws\n    service: cloudtrail\ndetection:\n${detection}\nlevel: high\n`,
    });
    const sources = [
      rule(
        'by-source',
        '    selection:\n        eventSource: GuardDuty.amazonaws.com\n        errorCode: AccessDenied\n    condition: selection',
      ),
      rule('by-nothing', '    selection:\n        errorCode: AccessDenied\n    condition: selection'),
      rule('by-name', '    selection:\n        eventName: StopLogging\n    condition: selection'),
    ];
    // Act & Assess
    expect(lookupSources(sources)).toEqual({ sources: ['GuardDuty.amazonaws.com'], unconstrained: ['by-nothing'] });
    expect(lookupSources(readRuleSources([rulesDir]))).toEqual({ sources: [], unconstrained: [] });
  });

  it('keeps the routine names within 20, each matched by a shipped rule', () => {
    // Act
    const routine = routineNames(defaultRoutineNames, all);
    // Assess
    expect(routine.unknown).toEqual([]);
    expect(routine.names).toHaveLength(20);
  });

  it('reports routine names no rule matches and takes the rules’ spelling', () => {
    expect(routineNames(['stoplogging', 'NoSuchCall', 'StopLogging'], all)).toEqual({
      names: ['StopLogging'],
      unknown: ['NoSuchCall'],
    });
  });

  it('finds a whole-word spelling only', () => {
    expect(
      spellingIn('updatefunctioncode', 'eventName:\n  - UpdateFunctionCode20150331v2\n  - UpdateFunctionCode\n'),
    ).toBe('UpdateFunctionCode');
    expect(spellingIn('deletetrail', 'no such word')).toBe('deletetrail');
  });

  it.each([
    {
      name: 'first run: the initial lookback',
      input: {},
      start: -75 * minute,
      end: -2 * minute,
    },
    {
      name: 'from the watermark minus the overlap',
      input: { watermark: -5 * minute },
      start: -20 * minute,
      end: -2 * minute,
    },
    {
      name: 'back to when blindness began, when earlier',
      input: { watermark: -5 * minute, blindSince: -40 * minute },
      start: -55 * minute,
      end: -2 * minute,
    },
    {
      name: 'never past the 90 days LookupEvents keeps',
      input: { watermark: -200 * 86_400_000 },
      start: -90 * 86_400_000 + minute,
      end: -2 * minute,
    },
  ])('windows the lookups: $name', ({ input, start, end }) => {
    // Prepare
    const now = Date.parse('2026-11-24T10:00:00Z');
    const relative = Object.fromEntries(Object.entries(input).map(([key, value]) => [key, now + value]));
    // Act
    const window = backfillWindow({
      now,
      overlapMs: 15 * minute,
      initialLookbackMs: 60 * minute,
      settleMs: 2 * minute,
      ...relative,
    });
    // Assess
    expect(window).toEqual({ start: now + start, end: now + end });
  });
});
