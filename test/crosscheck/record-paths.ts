// Reading and writing dotted paths in a JSON record (nested objects; a literal "a.b" key is removed when the nested
// path is written so that only one form is present).

type JsonObject = Record<string, unknown>;

const isObject = (value: unknown): value is JsonObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const getPath = (record: JsonObject, path: string): unknown => {
  let node: unknown = record;
  for (const key of path.split('.')) {
    if (!isObject(node)) return undefined;
    node = node[key];
  }
  return node;
};

const setPath = (record: JsonObject, path: string, value: unknown): void => {
  delete record[path];
  const keys = path.split('.');
  const last = keys.pop() ?? path;
  let node = record;
  for (const key of keys) {
    const child = node[key];
    if (!isObject(child)) node[key] = {};
    node = node[key] as JsonObject;
  }
  node[last] = value;
};

const deletePath = (record: JsonObject, path: string): void => {
  delete record[path];
  const keys = path.split('.');
  const last = keys.pop() ?? path;
  let node: unknown = record;
  for (const key of keys) {
    if (!isObject(node)) return;
    node = node[key];
  }
  if (isObject(node)) delete node[last];
};

export { deletePath, getPath, isObject, type JsonObject, setPath };
