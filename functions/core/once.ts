/**
 * Defers `build` to the first call and returns that same value on every later call (once per process). Schemas are
 * built this way so that importing a module costs nothing at cold start: a Lambda pays only for what it parses. A
 * `build` that throws is not memoized; the next call tries again. A returned promise is kept as it is, rejected or
 * not: for loads that must be retried after a failure, use `loadOnce` (functions/deferred.ts).
 *
 * @example
 * const runtimeEnv = once(() => z.object({ TW_STAGE: z.string().min(1) }));
 * runtimeEnv().safeParse(env); // built here, on first use; later calls reuse it
 */
const once = <T>(build: () => T): (() => T) => {
  let cell: { readonly value: T } | undefined;
  return () => {
    cell ??= { value: build() };
    return cell.value;
  };
};

export { once };
