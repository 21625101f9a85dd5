import { describe, expect, it } from 'vitest';
import { DeployConfigError, parseDeployConfig } from '../../infra/config.js';
import { resolveOrganization } from '../../infra/org-settings.js';

const now = new Date('2026-12-01T10:00:00Z');
const resolve = (context: Record<string, unknown>) => resolveOrganization(parseDeployConfig(context, now).config);
const problemsOf = (run: () => unknown): readonly string[] => {
  try {
    run();
  } catch (error) {
    if (error instanceof DeployConfigError) return error.problems;
    throw error;
  }
  return [];
};

const organization = {
  account: '111122223333',
  organizationId: 'o-a1b2c3d4e5',
  homeRegion: 'eu-west-1',
  regions: ['eu-west-1', 'us-east-1', 'ap-southeast-2'],
};

describe('organization settings', () => {
  it('are absent without an "organization" section: the single-account stack is unchanged', () => {
    expect(resolve({ organizationId: 'o-a1b2c3d4e5' })).toBeUndefined();
  });

  it('derive the central bus name and ARN from the stage, home region and detector account', () => {
    // Act
    const org = resolve({ ...organization, stage: 'sec', organization: {} });
    // Assess
    expect(org).toMatchObject({
      organizationId: 'o-a1b2c3d4e5',
      homeRegion: 'eu-west-1',
      regions: ['eu-west-1', 'us-east-1', 'ap-southeast-2'],
      defaultBusIngest: true,
      centralBusName: 'tamperwatch-sec-central',
      centralBusArn: 'arn:aws:events:eu-west-1:111122223333:event-bus/tamperwatch-sec-central',
      watchdogRolePrefix: 'tamperwatch-sec-',
      stackSet: undefined,
      forwarderAccounts: [],
    });
  });

  it('roll the StackSet out to the top-level regions unless it names its own, with safe defaults', () => {
    // Act
    const org = resolve({ ...organization, organization: { stackSet: { organizationalUnitIds: ['r-ab12'] } } });
    const narrowed = resolve({
      ...organization,
      organization: { stackSet: { organizationalUnitIds: ['ou-ab12-11111111'], regions: ['us-east-1'] } },
    });
    // Assess
    expect(org?.stackSet).toEqual({
      organizationalUnitIds: ['r-ab12'],
      regions: ['eu-west-1', 'us-east-1', 'ap-southeast-2'],
      callAs: 'DELEGATED_ADMIN',
      excludeAccounts: [],
      retainStacksOnAccountRemoval: false,
      maxConcurrentPercentage: 25,
      failureTolerancePercentage: 10,
    });
    expect(narrowed?.stackSet?.regions).toEqual(['us-east-1']);
  });

  it('take the home region from "region" when "homeRegion" is not set', () => {
    const { homeRegion: _, ...rest } = organization;
    expect(resolve({ ...rest, region: 'eu-west-1', organization: {} })?.homeRegion).toBe('eu-west-1');
  });

  it('fail the synth with every cross-field problem at once', () => {
    // Act
    const problems = problemsOf(() =>
      resolve({
        region: 'eu-central-1',
        homeRegion: 'eu-west-1',
        regions: ['eu-central-1', 'eu-central-1'],
        organization: { forwarderAccounts: ['444455556666'] },
      }),
    );
    // Assess
    expect(problems).toEqual([
      'tamperwatch.organizationId: required with "organization"',
      'tamperwatch.region: eu-central-1 differs from homeRegion eu-west-1; the detector and its central bus live in the home region',
      'tamperwatch.regions: duplicate region',
      'tamperwatch.account: required with organization.stackSet or organization.forwarderAccounts: forwarders target the central bus in the detector account',
    ]);
  });

  it('require us-east-1 (global-service events) and the home region among the regions', () => {
    // Act
    const problems = problemsOf(() =>
      resolve({
        ...organization,
        regions: ['eu-central-1'],
        organization: { stackSet: { organizationalUnitIds: ['r-ab12'], regions: ['eu-central-1'] } },
      }),
    );
    // Assess
    expect(problems).toEqual([
      'tamperwatch.regions: must include us-east-1: IAM, STS (global endpoint), Organizations and CloudFront events reach EventBridge there only',
      'tamperwatch.regions: must include the home region eu-west-1',
      'tamperwatch.organization.stackSet.regions: must include us-east-1 (global-service events)',
    ]);
  });

  it('name a malformed organization id, home region and region list', () => {
    // Act
    const problems = problemsOf(() =>
      resolve({ organizationId: 'a1b2c3', homeRegion: 'Ireland', regions: [], organization: {} }),
    );
    // Assess
    expect(problems).toEqual([
      'tamperwatch.organizationId: an organization id such as o-a1b2c3d4e5',
      'tamperwatch.homeRegion: an AWS region such as eu-west-1',
      'tamperwatch.regions: at least one region',
    ]);
  });

  it('reject a malformed "organization" section in the same pass as the rest of the context', () => {
    // Act
    const problems = problemsOf(() =>
      parseDeployConfig(
        {
          dedupTtlHours: 0,
          organization: {
            stackSet: { organizationalUnitIds: ['engineering'], callAs: 'ADMIN', maxConcurrentPercentage: 0 },
            forwarderAccounts: ['4444', '4444'],
            extra: true,
          },
        },
        now,
      ),
    );
    // Assess
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^tamperwatch\.dedupTtlHours: /),
        'tamperwatch.organization.stackSet.callAs: Invalid option: expected one of "SELF"|"DELEGATED_ADMIN"',
        'tamperwatch.organization.stackSet.organizationalUnitIds[0]: an organization root (r-…) or OU (ou-…-…) id',
        expect.stringMatching(/^tamperwatch\.organization\.stackSet\.maxConcurrentPercentage: /),
        'tamperwatch.organization.forwarderAccounts[0]: 12 digits',
        expect.stringMatching(/^tamperwatch\.organization: .*extra/),
      ]),
    );
  });
});
