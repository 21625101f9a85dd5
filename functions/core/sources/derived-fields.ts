import type { FieldSource, FieldTexts } from '../sigma/types.js';

const textsOfValue = (value: string): FieldTexts => ({ values: [value], raw: [value], folded: [value.toLowerCase()] });

/**
 * A field view plus values the record implies but does not hold under that name (the diagnostic form has no
 * `ResourceProviderValue`, yet its operation names the provider). The record's own values always win; `leaves()`
 * stays the record's, so keyword search sees only what arrived. The view's cached fast paths are kept.
 */
const withDerivedFields = (view: FieldSource, derived: ReadonlyMap<string, string>): FieldSource => {
  if (derived.size === 0) return view;
  const extra = (path: string): string | undefined => derived.get(path);
  const source: FieldSource = {
    get: (path) => {
      const own = view.get(path);
      if (own !== undefined) return own;
      const value = extra(path);
      return value === undefined ? undefined : [value];
    },
    leaves: () => view.leaves(),
  };
  const { texts, foldedLeaves } = view;
  if (texts !== undefined) {
    source.texts = (path) => {
      const own = texts.call(view, path);
      if (own !== undefined) return own;
      const value = extra(path);
      return value === undefined ? undefined : textsOfValue(value);
    };
  }
  if (foldedLeaves !== undefined) source.foldedLeaves = () => foldedLeaves.call(view);
  return source;
};

export { withDerivedFields };
