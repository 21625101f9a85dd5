import { describe, expect, it, vi } from 'vitest';
import { once } from '../../../functions/core/once.js';

describe('once()', () => {
  it('does not build before the first call', () => {
    // Prepare
    const build = vi.fn(() => ({ built: true }));

    // Act
    once(build);

    // Assess
    expect(build).not.toHaveBeenCalled();
  });

  it('builds once however often it is called', () => {
    // Prepare
    const build = vi.fn(() => ({ built: true }));
    const value = once(build);

    // Act
    value();
    value();
    value();

    // Assess
    expect(build).toHaveBeenCalledOnce();
  });

  it('returns the same value on every call', () => {
    // Prepare
    const value = once(() => ({ built: true }));

    // Act
    const first = value();
    const second = value();

    // Assess
    expect(second).toBe(first);
    expect(first).toEqual({ built: true });
  });

  it('memoizes undefined as a value', () => {
    // Prepare
    const build = vi.fn((): undefined => undefined);
    const value = once(build);

    // Act
    value();
    const second = value();

    // Assess
    expect(second).toBeUndefined();
    expect(build).toHaveBeenCalledOnce();
  });

  it('builds again after a build that threw', () => {
    // Prepare
    const build = vi
      .fn<() => string>()
      .mockImplementationOnce(() => {
        throw new Error('not yet');
      })
      .mockImplementation(() => 'built');
    const value = once(build);

    // Act
    const firstCall = () => value();

    // Assess
    expect(firstCall).toThrow('not yet');
    expect(value()).toBe('built');
    expect(value()).toBe('built');
    expect(build).toHaveBeenCalledTimes(2);
  });
});
