/**
 * Where a record sits in its input: an optional line prefix (`line 57`) and a path inside the value (`Records[12]`,
 * `Records[0].body.detail`). Rendered as `line 57: Records[3]`, `Records[12]`, `line 57`, or `document` for the root.
 */
type Place = { readonly line: string; readonly path: string };

const rootPlace: Place = { line: '', path: '' };

const linePlace = (number: number): Place => ({ line: `line ${number}`, path: '' });

const childPlace = (place: Place, key: string | number): Place => ({
  line: place.line,
  path: typeof key === 'number' ? `${place.path}[${key}]` : place.path === '' ? key : `${place.path}.${key}`,
});

const describePlace = (place: Place): string =>
  place.line !== '' && place.path !== '' ? `${place.line}: ${place.path}` : place.line || place.path || 'document';

export { childPlace, describePlace, linePlace, type Place, rootPlace };
