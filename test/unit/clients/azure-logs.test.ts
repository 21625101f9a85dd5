import type { LogsTable } from '@azure/monitor-query-logs';
import { describe, expect, it } from 'vitest';
import { toWireTable } from '../../../functions/clients/azure-logs.js';
import type { AuditEvent } from '../../../functions/core/audit-event.js';
import { eventsFromValue } from '../../../functions/core/formats/read-input.js';
import { resultColumns } from '../../../functions/core/sources/azure/poll-query.js';
import { fixtureBytes } from '../core/formats/read-helpers.js';

type Json = Record<string, unknown>;
type Column = { name: string; type: string };
const fixture = (path: string): Json => JSON.parse(fixtureBytes(path).toString('utf8')) as Json;

// One operation (a diagnostic setting deleted; start and final record) in each form (test/fixtures/inputs/README.md).
const queryResult = fixture('azure/log-analytics-query.json') as { tables: [{ columns: Column[]; rows: unknown[][] }] };
const [{ columns, rows }] = queryResult.tables;

/** What the SDK hands the poller for its query: projected columns, datetimes as text, dynamic columns parsed. */
const sdkTable = (datetimesAs: 'text' | 'Date'): LogsTable => {
  const projected = resultColumns.filter((name) => columns.some((column) => column.name === name));
  const typeOf = (name: string): string => {
    const type = columns.find((column) => column.name === name)?.type ?? 'string';
    return type === 'datetime' && datetimesAs === 'text' ? 'string' : type;
  };
  const value = (row: unknown[], name: string): unknown => {
    const raw = row[columns.findIndex((column) => column.name === name)];
    if (typeOf(name) === 'dynamic' && typeof raw === 'string') return JSON.parse(raw);
    return typeOf(name) === 'datetime' ? new Date(String(raw)) : raw;
  };
  return {
    name: 'PrimaryResult',
    columnDescriptors: projected.map((name) => ({ name, type: typeOf(name) as 'string' })),
    rows: rows.map((row) => projected.map((name) => value(row, name) as string)),
  };
};

const eventsOf = (value: unknown, source: string): AuditEvent[] =>
  eventsFromValue(value, source).flatMap((item) => (item.kind === 'event' ? [item.event] : []));
const typedOf = ({ raw: _, fields: __, ...typed }: AuditEvent) => typed;
const withoutId = ({ id: _, ...rest }: ReturnType<typeof typedOf>) => rest;

const forms = {
  'diagnostic {records}': eventsOf(fixture('azure/diagnostic-records.json'), 'diagnostic'),
  'REST {value}': eventsOf(fixture('azure/rest-list.json'), 'rest'),
  'query API JSON {tables}': eventsOf(queryResult, 'query'),
  'poller rows (SDK table → wire)': eventsOf({ tables: [toWireTable(sdkTable('text'))] }, 'poller'),
};

describe('toWireTable(): Azure rows decode like every other Azure form', () => {
  it.each(Object.keys(forms))('reads one final event from the %s form (the start record is skipped)', (form) => {
    expect(forms[form as keyof typeof forms]).toHaveLength(1);
  });

  it.each(['REST {value}', 'query API JSON {tables}', 'poller rows (SDK table → wire)'] as const)(
    'normalizes the %s form to the same event as the diagnostic form',
    (form) => {
      // Prepare
      const [diagnostic] = forms['diagnostic {records}'];
      const [other] = forms[form];
      // Assess: the diagnostic form has no event id, so only its id (a content hash) differs.
      expect(withoutId(typedOf(other as AuditEvent))).toEqual(withoutId(typedOf(diagnostic as AuditEvent)));
    },
  );

  it('keeps EventDataId as the event id of the poller rows, as in the REST form', () => {
    expect(forms['poller rows (SDK table → wire)'][0]?.id).toBe('b1c2d3e4-f5a6-4789-9abc-def012345672');
    expect(forms['REST {value}'][0]?.id).toBe('b1c2d3e4-f5a6-4789-9abc-def012345672');
  });

  it('gives rules the same fields from the poller rows as from the query API JSON', () => {
    // Prepare
    const [poller] = forms['poller rows (SDK table → wire)'];
    const [api] = forms['query API JSON {tables}'];
    // Assess
    for (const path of ['operationName', 'properties.entity', 'identity.claims.name', 'resultType', 'resourceId']) {
      expect(poller?.fields.get(path)).toEqual(api?.fields.get(path));
    }
  });

  it('turns Date values back into ISO text, so a datetime column still decodes (to the millisecond)', () => {
    // Act
    const wire = toWireTable(sdkTable('Date'));
    const [event] = eventsOf({ tables: [wire] }, 'poller');
    // Assess
    const time = wire.rows[1]?.[wire.columns.findIndex((column) => column.name === 'TimeGenerated')];
    expect(time).toBe('2024-12-17T10:30:01.539Z');
    expect(event?.time).toBe('2024-12-17T10:30:01.539Z');
  });
});
