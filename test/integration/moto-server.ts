import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { createServer } from 'node:net';

type MotoServer = { readonly endpoint: string; stop(): Promise<void> };

/** Why moto cannot be had here, or undefined when `python3 -m moto.server` is importable (installing it if needed). */
const ensureMoto = (): string | undefined => {
  const probe = () => spawnSync('python3', ['-c', 'import moto.server'], { encoding: 'utf8' });
  const first = probe();
  if (first.error !== undefined) return `python3 not found (${first.error.message})`;
  if (first.status === 0) return undefined;
  const install = spawnSync('python3', ['-m', 'pip', 'install', '--quiet', 'moto[server]>=5,<6'], {
    encoding: 'utf8',
    timeout: 300_000,
  });
  if (install.status !== 0)
    return `pip install 'moto[server]>=5,<6' failed: ${(install.stderr || install.stdout).trim().slice(-500)}`;
  const second = probe();
  return second.status === 0 ? undefined : `moto.server still not importable: ${second.stderr.trim().slice(-300)}`;
};

const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address !== null ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });

const waitForHttp = async (url: string, child: ChildProcess, timeoutMs: number): Promise<void> => {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`moto_server exited with code ${child.exitCode}`);
    try {
      const response = await fetch(url);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`moto_server did not answer on ${url} within ${timeoutMs} ms`);
};

/**
 * Starts `python3 -m moto.server` on 127.0.0.1 and a free port; `stop()` ends that process (and only it).
 *
 * @example
 * const moto = await startMoto(); // moto.endpoint === 'http://127.0.0.1:40123'
 * await moto.stop();
 */
const startMoto = async (): Promise<MotoServer> => {
  const port = await freePort();
  const child = spawn('python3', ['-m', 'moto.server', '-H', '127.0.0.1', '-p', String(port)], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = `${stderr}${chunk.toString()}`.slice(-2_000);
  });
  const endpoint = `http://127.0.0.1:${port}`;
  try {
    await waitForHttp(`${endpoint}/moto-api/`, child, 30_000);
  } catch (error) {
    child.kill('SIGTERM');
    throw new Error(`${(error as Error).message}\n${stderr}`);
  }
  const stop = async (): Promise<void> => {
    if (child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5_000))]);
    if (child.exitCode === null) child.kill('SIGKILL');
  };
  return { endpoint, stop };
};

export { ensureMoto, type MotoServer, startMoto };
