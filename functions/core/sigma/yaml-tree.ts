/**
 * The parsed form of a rule file: maps, sequences and scalars, each with its line and column. parse-yaml.ts builds it
 * from text; a rule pack carries it ready-made, so code that only reads it never loads the YAML parser.
 */

/** A YAML scalar with its place. `source` is the text as written (numbers keep it: `1.50`, `0x17`). */
type YamlScalar = {
  readonly kind: 'scalar';
  readonly value: string | number | boolean | null;
  readonly source: string;
  readonly quoted: boolean;
  readonly line: number;
  readonly col: number;
};
type YamlEntry = { readonly key: string; readonly line: number; readonly col: number; readonly value: YamlNode };
type YamlMap = {
  readonly kind: 'map';
  readonly entries: readonly YamlEntry[];
  readonly line: number;
  readonly col: number;
};
type YamlSeq = {
  readonly kind: 'seq';
  readonly items: readonly YamlNode[];
  readonly line: number;
  readonly col: number;
};
type YamlNode = YamlScalar | YamlMap | YamlSeq;

/** The entry of `key` in a map, if any. */
const entryOf = (map: YamlMap, key: string): YamlEntry | undefined => map.entries.find((entry) => entry.key === key);

export { entryOf, type YamlEntry, type YamlMap, type YamlNode, type YamlScalar, type YamlSeq };
