import type * as Jose from 'jose';
import type { createRequire } from 'node:module';

interface NodeModuleApi {
  createRequire: typeof createRequire;
}

/**
 * jose 6 is published as ES modules only. Node >= 20.19 `require()`s them, but under Jest 29 `require` (and
 * `module.createRequire`) belong to Jest's registry, which cannot load ES modules, and the repository's Jest
 * config transforms only TypeScript. `process.getBuiltinModule` reaches Node's own loader in both worlds, so the
 * gateway and its tests load the same jose; outside Jest this is plain `require('jose')`. (libs/security does
 * the same for the services; the gateway stays free of Nest and does not import it.)
 */
function loadJose(): typeof Jose {
  const nodeModule = process.getBuiltinModule?.('node:module') as NodeModuleApi | undefined;
  const load = nodeModule ? nodeModule.createRequire(__filename) : require;
  return load('jose') as typeof Jose;
}

export const jose: typeof Jose = loadJose();
