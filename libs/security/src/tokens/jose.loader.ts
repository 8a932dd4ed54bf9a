import type * as Jose from 'jose';
import type { createRequire } from 'node:module';

type NodeModuleApi = { createRequire: typeof createRequire };

/**
 * jose 6 ships as ES modules only. Node >= 20.19 loads them with `require()`, but Jest 29 swaps
 * `require` (and `module.createRequire`) for its own registry, which cannot, and the repository's
 * Jest config only transforms TypeScript. `process.getBuiltinModule` (Node >= 20.16) reaches
 * Node's real loader in both places; outside Jest this is exactly `require('jose')`. jose keeps no
 * module state, so a copy outside Jest's registry is harmless.
 */
function loadJose(): typeof Jose {
  const nodeModule = process.getBuiltinModule?.('node:module') as NodeModuleApi | undefined;
  const load = nodeModule ? nodeModule.createRequire(__filename) : require;
  return load('jose') as typeof Jose;
}

export const jose: typeof Jose = loadJose();
