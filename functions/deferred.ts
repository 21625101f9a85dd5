/** The methods of a port: every one returns a promise, so a call can wait for the implementation to load. */
type AsyncPort<T> = { [K in keyof T]: T[K] extends (...args: never[]) => Promise<unknown> ? T[K] : never };

/**
 * `load` run once and its promise shared, except that a rejected load is forgotten: the next call runs `load` again.
 * A failed `import()` of a chunk (a transient read error) or a client that failed to build then costs one failed
 * call, not every call for the container's lifetime.
 *
 * @example
 * const aws = loadOnce(async () => (await import('./detector-ports.js')).detectorPorts(config));
 * const { dedup } = await aws(); // loaded here, once
 */
const loadOnce = <T>(load: () => Promise<T>): (() => Promise<T>) => {
  let loading: Promise<T> | undefined;
  return () => {
    loading ??= load().catch((error: unknown) => {
      loading = undefined;
      throw error;
    });
    return loading;
  };
};

/**
 * A port whose implementation is loaded on its first call, e.g. behind `await import()`: a cold start that never calls
 * it never loads (parses, runs) the code behind it. `methods` names every method (the type checks the list is whole).
 * A failed load is not remembered; the next call tries again.
 *
 * @example
 * const dedup = deferred(async () => (await import('./detector-ports.js')).dedupStore(config), {
 *   claim: true, confirm: true, release: true,
 * });
 */
const deferred = <T extends AsyncPort<T>>(load: () => Promise<T>, methods: { readonly [K in keyof T]: true }): T => {
  const implementation = loadOnce(load);
  const port: Record<string, (...args: unknown[]) => Promise<unknown>> = {};
  for (const name of Object.keys(methods)) {
    port[name] = async (...args) => {
      const target = await implementation();
      return (target[name as keyof T] as (...args: unknown[]) => Promise<unknown>).apply(target, args);
    };
  }
  return port as T;
};

export { deferred, loadOnce };
