import { dirname, relative } from 'node:path';
import type { LoadResult } from '../../functions/core/sigma/rule-set.js';

type Refusal = { readonly file: string; readonly line: number; readonly col: number; readonly reason: string };
type FolderReport = {
  loaded: number;
  refused: number;
  skipped: number;
  readonly refusals: Refusal[];
  readonly skips: { file: string; reason: string }[];
};
type ConformanceReport = { readonly total: number; readonly folders: Record<string, FolderReport> };

/** Per folder (relative to the corpus root): loaded, refused, skipped, and each refusal's place and reason. */
const conformanceReport = (corpus: string, files: readonly string[], result: LoadResult): ConformanceReport => {
  const folders: Record<string, FolderReport> = {};
  const folderOf = (file: string): FolderReport => {
    const name = dirname(relative(corpus, file)).split('\\').join('/');
    folders[name] ??= { loaded: 0, refused: 0, skipped: 0, refusals: [], skips: [] };
    return folders[name];
  };
  for (const file of files) folderOf(file);
  for (const rule of result.ruleSet.rules) folderOf(rule.file).loaded++;
  const refusedFiles = new Set<string>();
  for (const error of result.errors) {
    const folder = folderOf(error.at.file);
    if (!refusedFiles.has(error.at.file)) folder.refused++;
    refusedFiles.add(error.at.file);
    folder.refusals.push({
      file: relative(corpus, error.at.file),
      line: error.at.line,
      col: error.at.col,
      reason: error.reason,
    });
  }
  for (const skip of result.skipped) {
    const folder = folderOf(skip.file);
    folder.skipped++;
    folder.skips.push({ file: relative(corpus, skip.file), reason: skip.reason });
  }
  const sorted = Object.fromEntries(Object.entries(folders).sort(([a], [b]) => a.localeCompare(b)));
  return { total: files.length, folders: sorted };
};

export { type ConformanceReport, conformanceReport };
