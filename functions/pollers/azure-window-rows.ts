import { createHash } from 'node:crypto';
import type { WireTable } from '../clients/azure-logs.js';
import type { DeadLetter } from '../clients/dead-letter-queue.js';
import type { AuditEvent } from '../core/audit-event.js';
import type { InputError } from '../core/formats/errors.js';
import { eventsFromValue } from '../core/formats/read-input.js';

/** The rows of one window, decoded once by the shared reader (`eventsFromValue`, Log Analytics table form). */
type WindowRows = {
  /** Events not read before (by this run or, through the overlap, by the previous window). */
  readonly events: AuditEvent[];
  /** Rows that do not decode, with their columns by name: reported with their location, never dropped silently. */
  readonly malformed: { readonly error: InputError; readonly row: Readonly<Record<string, unknown>> }[];
  readonly startRecords: number;
  /** Rows already read: the overlap with the previous window, or a window read again after halving. */
  readonly repeated: number;
  /** Every row's key with its ingestion time, for the overlap kept in the checkpoint. */
  readonly keys: readonly { readonly key: string; readonly ingested: string }[];
};

/** The overlap the checkpoint carries: keys of rows ingested in its last `overlap` (kept under DynamoDB's item size). */
type OverlapState = { readonly v: 1; readonly keys: readonly string[] };

const maxStateKeys = 5_000;

const rowPattern = /^tables\[(\d+)\]\.rows\[(\d+)\]/;

const rowAt = (tables: readonly WireTable[], location: string): { table: WireTable; row: readonly unknown[] } => {
  const match = rowPattern.exec(location);
  const table = tables[Number(match?.[1] ?? -1)];
  const row = table?.rows[Number(match?.[2] ?? -1)];
  return table === undefined || row === undefined
    ? { table: { name: '', columns: [], rows: [] }, row: [] }
    : { table, row };
};

const ingestedOf = (table: WireTable, row: readonly unknown[]): string => {
  const index = table.columns.findIndex((column) => column.name === 'Ingested');
  const value = index < 0 ? undefined : row[index];
  return typeof value === 'string' ? value : '';
};

const rowObject = (table: WireTable, row: readonly unknown[]): Record<string, unknown> =>
  table.columns.length === row.length
    ? Object.fromEntries(table.columns.map((column, index) => [column.name, row[index]]))
    : { cells: row };

/** Events are known by their id (EventDataId); rows without one (malformed, start records) by a hash of the row. */
const rowKey = (row: readonly unknown[]): string =>
  `row:${createHash('sha256').update(JSON.stringify(row)).digest('hex').slice(0, 32)}`;

/**
 * Decodes a window's tables and sorts the rows: new events, malformed rows, start records, rows read before (`seen`,
 * which is updated). Every row gets a key, so a row read twice is counted once.
 *
 * @example
 * const rows = readWindowRows(tables, 'azure:<workspace>:<window>', seen);
 * for (const error of rows.malformed) logger.error('malformed row', { location: error.location });
 */
const readWindowRows = (tables: readonly WireTable[], source: string, seen: Set<string>): WindowRows => {
  const events: AuditEvent[] = [];
  const malformed: WindowRows['malformed'] = [];
  const keys: { key: string; ingested: string }[] = [];
  let startRecords = 0;
  let repeated = 0;
  for (const item of eventsFromValue({ tables }, source)) {
    const location = item.kind === 'error' ? item.error.location : item.location;
    const { table, row } = rowAt(tables, location);
    const key = item.kind === 'event' ? item.event.id : rowKey(row);
    keys.push({ key, ingested: ingestedOf(table, row) });
    if (seen.has(key)) {
      repeated += 1;
      continue;
    }
    seen.add(key);
    if (item.kind === 'error') malformed.push({ error: item.error, row: rowObject(table, row) });
    else if (item.kind === 'notice') startRecords += 1;
    else events.push(item.event);
  }
  return { events, malformed, startRecords, repeated, keys };
};

/** The malformed rows of a window as letters for the poller's DLQ: where they came from, why, and the row. */
const deadLettersOf = (rows: WindowRows, workspaceId: string, source: string): DeadLetter[] =>
  rows.malformed.map(({ error, row }) => ({
    provider: 'azure',
    resource: workspaceId,
    source,
    location: error.location,
    reason: error.message,
    record: row,
  }));

/** The checkpoint state after a window: keys of the rows the next window's overlap will read again. */
const overlapState = (rows: WindowRows, windowEnd: Date, overlapMs: number): string | undefined => {
  const cutoff = windowEnd.getTime() - overlapMs;
  const keys = [...new Set(rows.keys.filter((entry) => Date.parse(entry.ingested) > cutoff).map((entry) => entry.key))];
  // Too many to keep: the dedup store still stops repeated findings; only repeat counts may grow.
  if (keys.length === 0 || keys.length > maxStateKeys) return undefined;
  return JSON.stringify({ v: 1, keys } satisfies OverlapState);
};

/** Keys carried over from the checkpoint; a state this version cannot read is ignored (dedup still holds). */
const seenFromState = (state: string | undefined): Set<string> => {
  if (state === undefined) return new Set();
  try {
    const parsed = JSON.parse(state) as Partial<OverlapState>;
    return new Set(parsed.v === 1 && Array.isArray(parsed.keys) ? parsed.keys.map(String) : []);
  } catch {
    return new Set();
  }
};

export { deadLettersOf, maxStateKeys, overlapState, readWindowRows, seenFromState, type WindowRows };
