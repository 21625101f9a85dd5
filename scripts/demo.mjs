// `npm start`: scans the bundled samples in text format. The samples hold real detonations, so exit 1 (findings) is the
// expected outcome; 0 means the rules found nothing in them and 2 means a rule or input error: both fail.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

if (!existsSync(join(root, 'dist', 'cli.mjs'))) {
  const built = spawnSync(process.execPath, [join(root, 'scripts', 'build-cli.mjs')], { stdio: 'inherit' });
  if (built.status !== 0) process.exit(built.status ?? 2);
}

const run = spawnSync(process.execPath, [join(root, 'bin', 'tamperwatch.mjs'), 'scan', '--format', 'text', 'samples'], {
  cwd: root,
  stdio: 'inherit',
});

if (run.status === 1) process.exit(0);
if (run.status === 0) process.stderr.write('demo: expected findings in samples/, got none\n');
process.exit(run.status === 0 ? 1 : (run.status ?? 2));
