import { azureFormOf } from '../sources/azure/decode.js';
import { normalizeAzure } from '../sources/azure/normalize.js';
import { isObject, type JsonObject, textAt } from '../sources/read-path.js';
import { eventItem, failure, type InputItem, notice, type WalkContext } from './items.js';
import type { Handler } from './nested.js';
import { childPlace, type Place } from './place.js';

const activityItems = (record: unknown, ctx: WalkContext, place: Place): InputItem[] => {
  // A diagnostic-setting export also carries resource logs (Key Vault AuditEvent, NSG flow events…): their
  // operationName has no provider namespace. They are not Activity Log records.
  if (isObject(record) && azureFormOf(record) === undefined && typeof record.operationName === 'string') {
    const category = textAt(record, 'category') ?? 'unknown category';
    return [
      notice(`Azure resource log '${record.operationName}' (${category}) skipped: not an Activity Log record`, place),
    ];
  }
  return [eventItem((at) => normalizeAzure(record, at), ctx, place)];
};

function* listed(key: 'records' | 'value', value: JsonObject, ctx: WalkContext, place: Place): Generator<InputItem> {
  const list = value[key] as readonly unknown[];
  for (const [index, record] of list.entries())
    yield* activityItems(record, ctx, childPlace(place, `${key}[${index}]`));
}

const columnNames = (table: JsonObject): string[] | undefined => {
  const columns = table.columns ?? table.columnDescriptors;
  if (!Array.isArray(columns)) return undefined;
  const names = columns.map((column) => (isObject(column) ? textAt(column, 'name') : undefined));
  return names.every((name) => name !== undefined) ? (names as string[]) : undefined;
};

/** Log Analytics query results: each row becomes an object keyed by column name (an `AzureActivity` row). */
function* tables(value: JsonObject, ctx: WalkContext, place: Place): Generator<InputItem> {
  const list = value.tables as readonly unknown[];
  for (const [t, table] of list.entries()) {
    const at = childPlace(place, `tables[${t}]`);
    const names = isObject(table) ? columnNames(table) : undefined;
    const rows = isObject(table) ? table.rows : undefined;
    if (names === undefined || !Array.isArray(rows)) {
      yield failure('query result table without columns and rows', ctx, at);
      continue;
    }
    for (const [r, row] of rows.entries()) {
      const rowAt = childPlace(at, `rows[${r}]`);
      if (!Array.isArray(row) || row.length !== names.length) {
        yield failure(`row does not match the ${names.length} columns`, ctx, rowAt);
        continue;
      }
      yield* activityItems(Object.fromEntries(names.map((name, i) => [name, row[i]])), ctx, rowAt);
    }
  }
}

/** DESIGN §8, Azure rows: diagnostic export, Log Analytics rows and query tables, REST records and lists. */
const azureHandlers: readonly Handler[] = [
  {
    name: 'Azure diagnostic export',
    accepts: (v) => Array.isArray(v.records),
    read: (v, ctx, p) => listed('records', v, ctx, p),
  },
  { name: 'Log Analytics query result', accepts: (v) => Array.isArray(v.tables), read: tables },
  { name: 'Azure REST list', accepts: (v) => Array.isArray(v.value), read: (v, ctx, p) => listed('value', v, ctx, p) },
  { name: 'Azure Activity Log record', accepts: (v) => azureFormOf(v) !== undefined, read: activityItems },
];

export { azureHandlers };
