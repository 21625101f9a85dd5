import type { TestProject } from 'vitest/node';
import { ensureMoto, startMoto } from './moto-server.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** moto_server's base URL, or '' when the emulator layer is skipped. */
    motoEndpoint: string;
    motoSkipReason: string;
  }
}

/**
 * Starts moto_server for the integration project and stops it afterwards. Without python3 or moto the layer is skipped
 * with the reason printed; with CI=true that is a failure instead.
 */
const setup = async (project: TestProject): Promise<() => Promise<void>> => {
  const reason = ensureMoto();
  if (reason !== undefined) {
    if (process.env.CI === 'true') throw new Error(`integration tests need moto_server: ${reason}`);
    console.warn(`[integration] skipping the moto layer: ${reason}`);
    project.provide('motoEndpoint', '');
    project.provide('motoSkipReason', reason);
    return async () => {};
  }
  const moto = await startMoto();
  project.provide('motoEndpoint', moto.endpoint);
  project.provide('motoSkipReason', '');
  return () => moto.stop();
};

export default setup;
