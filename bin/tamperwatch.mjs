#!/usr/bin/env node
// Runs the bundled CLI (dist/cli.mjs, built by `npm run build:cli`, `prepare` and `pretest`) with the real process I/O.
import { fileURLToPath } from 'node:url';

const bundle = new URL('../dist/cli.mjs', import.meta.url);

let cli;
try {
  cli = await import(bundle.href);
} catch (error) {
  if (error?.code !== 'ERR_MODULE_NOT_FOUND') throw error;
  process.stderr.write(`tamperwatch: ${fileURLToPath(bundle)} is missing; run \`npm run build:cli\` first\n`);
  process.exit(2);
}

// `tamperwatch scan trail/ | head` closes the pipe early: stop quietly instead of printing an EPIPE stack.
process.stdout.on('error', (error) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw error;
});

process.exitCode = await cli.main(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  stdin: process.stdin,
  isTTY: process.stderr.isTTY === true,
  cwd: process.cwd(),
});
