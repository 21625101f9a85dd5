import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// The import rules of the module map (DESIGN §2): the data flow reads off the tree, and anything touching network,
// disk, clock or environment stays outside functions/core/.

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

const listTs = (dir: string): string[] => {
  const abs = join(root, dir);
  let entries: string[];
  try {
    entries = readdirSync(abs).sort();
  } catch {
    return [];
  }
  return entries.flatMap((name) => {
    const path = join(abs, name);
    if (statSync(path).isDirectory()) return listTs(relative(root, path));
    return name.endsWith('.ts') ? [relative(root, path)] : [];
  });
};

type Import = { readonly file: string; readonly specifier: string; readonly target: string };

const importsOf = (file: string): Import[] => {
  const text = readFileSync(join(root, file), 'utf8');
  const found = [...text.matchAll(/(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]/g)].map(
    (m) => m[1] ?? '',
  );
  const dynamic = [...text.matchAll(/import\(\s*['"]([^'"]+)['"]\s*\)/g)].map((m) => m[1] ?? '');
  return [...found, ...dynamic].map((specifier) => ({
    file,
    specifier,
    target: specifier.startsWith('.') ? relative(root, resolve(root, dirname(file), specifier)) : specifier,
  }));
};

const violations = (files: string[], allowed: (imp: Import) => boolean): string[] =>
  files
    .flatMap(importsOf)
    .filter((imp) => !allowed(imp))
    .map((imp) => `${imp.file} imports '${imp.specifier}'`);

const isLocal = (imp: Import, ...prefixes: string[]): boolean =>
  imp.specifier.startsWith('.') && prefixes.some((p) => imp.target.startsWith(p));

describe('Architecture: import rules', () => {
  const core = listTs('functions/core');

  it('finds the core to check', () => {
    expect(core.length).toBeGreaterThan(10);
  });

  it('keeps functions/core pure: no fs, network, SDK or environment', () => {
    // Prepare
    const pure = new Set(['yaml', 'zod', 'node:crypto', 'node:zlib', 'node:buffer']);
    // Act
    const bad = violations(core, (imp) => isLocal(imp, 'functions/core/') || pure.has(imp.specifier));
    const envReaders = core.filter((file) =>
      /process\.env|Date\.now\(|new Date\(\)/.test(readFileSync(join(root, file), 'utf8')),
    );
    // Assess
    expect(bad).toEqual([]);
    expect(envReaders).toEqual([]);
  });

  it('keeps the Sigma engine free of providers and findings', () => {
    const bad = violations(
      listTs('functions/core/sigma'),
      (imp) =>
        isLocal(imp, 'functions/core/sigma/', 'functions/core/audit-event') ||
        ['yaml', 'node:crypto'].includes(imp.specifier),
    );
    expect(bad).toEqual([]);
  });

  it('keeps sources away from the engine internals and findings', () => {
    const bad = violations(
      listTs('functions/core/sources'),
      (imp) =>
        isLocal(
          imp,
          'functions/core/sources/',
          'functions/core/audit-event',
          'functions/core/field-view',
          'functions/core/sigma/types',
          'functions/core/formats/errors',
          'functions/core/once', // a generic memo, no engine internal
        ) || ['zod', 'node:crypto', 'node:zlib', 'node:buffer'].includes(imp.specifier),
    );
    expect(bad).toEqual([]);
  });

  it('keeps the CLI off SDKs, handlers, clients and stores', () => {
    const bad = violations(
      listTs('functions/cli'),
      (imp) =>
        !/^@aws-sdk\/|^@google-cloud\/|^@azure\//.test(imp.specifier) &&
        !isLocal(imp, 'functions/handlers', 'functions/clients', 'functions/stores', 'functions/notifier'),
    );
    expect(bad).toEqual([]);
  });

  it('keeps handlers from importing each other or the CLI', () => {
    const handlers = listTs('functions/handlers');
    const bad = violations(handlers, (imp) => !isLocal(imp, 'functions/handlers/', 'functions/cli/'));
    expect(bad).toEqual([]);
  });

  it('reads process.env only in functions/config', () => {
    const readers = listTs('functions')
      .filter((file) => !file.startsWith('functions/config/'))
      .filter((file) => readFileSync(join(root, file), 'utf8').includes('process.env'));
    expect(readers).toEqual([]);
  });
});
