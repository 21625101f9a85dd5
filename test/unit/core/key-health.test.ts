import { describe, expect, it } from 'vitest';
import { keyHealth } from '../../../functions/core/key-health.js';

const arn = 'arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab';

describe('Key health: keyHealth', () => {
  it('is enabled when DescribeKey says Enabled', () => {
    // Act
    const health = keyHealth({ arn, keyState: 'Enabled' });
    // Assess
    expect(health).toEqual({ state: 'enabled' });
  });

  it.each([
    { keyState: 'Disabled', code: 'key-disabled', detail: `key ${arn} is Disabled` },
    {
      keyState: 'PendingDeletion',
      deletionDate: Date.parse('2026-12-01T10:00:00Z'),
      code: 'key-pending-deletion',
      detail: `key ${arn} is PendingDeletion, deletion on 2026-12-01T10:00:00.000Z`,
    },
    {
      keyState: 'PendingReplicaDeletion',
      code: 'key-pending-deletion',
      detail: `key ${arn} is PendingReplicaDeletion`,
    },
    { keyState: 'PendingImport', code: 'key-pending-import', detail: `key ${arn} is PendingImport` },
    { keyState: 'Unavailable', code: 'key-unavailable', detail: `key ${arn} is Unavailable` },
    { keyState: 'SomethingNew', code: 'key-state-unknown', detail: `key ${arn} is SomethingNew` },
    { keyState: undefined, code: 'key-state-unknown', detail: `key ${arn} is in no state` },
  ])('is impaired, critical, when the key is $keyState', ({ keyState, deletionDate, code, detail }) => {
    // Act
    const health = keyHealth({
      arn,
      ...(keyState === undefined ? {} : { keyState }),
      ...(deletionDate === undefined ? {} : { deletionDate }),
    });
    // Assess
    expect(health).toEqual({ state: 'impaired', severity: 'critical', code, detail });
  });

  it.each([
    { name: 'AccessDeniedException', code: 'key-unreadable', hint: 'key policy or IAM changed?' },
    { name: 'NotFoundException', code: 'key-not-found', hint: 'NotFoundException' },
    { name: 'KMSInvalidStateException', code: 'key-state-unknown', hint: 'KMSInvalidStateException' },
  ])('is impaired, critical, when DescribeKey answers $name', ({ name, code, hint }) => {
    // Act
    const health = keyHealth({ arn, error: { name, message: 'not for you' } });
    // Assess
    expect(health).toMatchObject({ state: 'impaired', severity: 'critical', code });
    expect(health.state === 'impaired' && health.detail).toContain(hint);
  });

  it.each([
    { name: 'ThrottlingException', failed: true },
    { name: 'TimeoutError', failed: true },
  ])('gives no verdict when the call fails for a reason unrelated to the key: $name', ({ name, failed }) => {
    // Act
    const health = keyHealth({ arn, error: { name, message: 'try again' } });
    // Assess
    expect(health).toEqual({ state: 'indeterminate', detail: `DescribeKey ${arn} failed: ${name}: try again`, failed });
  });

  it.each(['Creating', 'Updating'])('gives no verdict, without failing, while the key is %s', (keyState) => {
    // Act
    const health = keyHealth({ arn, keyState });
    // Assess
    expect(health).toEqual({ state: 'indeterminate', detail: `key ${arn} is ${keyState}`, failed: false });
  });
});
