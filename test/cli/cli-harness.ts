import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { main } from '../../functions/cli/main.js';

const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

type CliRun = { code: number; stdout: string; stderr: string };

/** Runs `main()` in-process with string collectors; stdin is empty unless given. */
const runCli = async (
  argv: readonly string[],
  options: { stdin?: string | Buffer; cwd?: string; isTTY?: boolean } = {},
): Promise<CliRun> => {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, {
    stdout: { write: (chunk: string) => (stdout += chunk) },
    stderr: { write: (chunk: string) => (stderr += chunk) },
    stdin: Readable.from(options.stdin === undefined ? [] : [Buffer.from(options.stdin)]),
    isTTY: options.isTTY ?? false,
    cwd: options.cwd ?? projectRoot,
  });
  return { code, stdout, stderr };
};

/** A scratch directory with the given files (paths relative to it); `cleanup()` removes it. */
const scratchDir = (files: Record<string, string | Buffer>): { dir: string; cleanup: () => void } => {
  const dir = mkdtempSync(join(tmpdir(), 'tamperwatch-cli-'));
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
};

/** A complete rule (DESIGN §6 keys) matching one CloudTrail event name. */
const ruleYaml = (options: { id: string; name: string; eventName: string; status?: string; level?: string }): string =>
  [
    'title: Test rule for the CLI',
    `id: ${options.id}`,
    `name: ${options.name}`,
    `status: ${options.status ?? 'test'}`,
    'description: A rule written by the CLI tests.',
    'references:',
    '    - https://example.com/tamperwatch/cli-test',
    'author: tamperwatch tests',
    'date: 2026-12-01',
    'tags:',
    '    - attack.defense-impairment',
    '    - attack.t1685.002',
    'logsource:',
    '    product: aws',
    '    service: cloudtrail',
    'detection:',
    '    selection:',
    `        eventName: ${options.eventName}`,
    '    condition: selection',
    'falsepositives:',
    '    - none',
    `level: ${options.level ?? 'medium'}`,
    '',
  ].join('\n');

export { type CliRun, projectRoot, ruleYaml, runCli, scratchDir };
