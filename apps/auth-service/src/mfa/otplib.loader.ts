import type * as Otplib from 'otplib';
import type { createRequire } from 'node:module';

type NodeModuleApi = { createRequire: typeof createRequire };

/**
 * otplib is CommonJS but depends on @scure/base, which ships ES modules only. Node loads those
 * with `require()`; Jest's module registry cannot, so, as libs/security does for jose, load it
 * through Node's own loader (`process.getBuiltinModule`), which is plain `require` outside Jest.
 */
function loadOtplib(): typeof Otplib {
  const nodeModule = process.getBuiltinModule?.('node:module') as NodeModuleApi | undefined;
  const load = nodeModule ? nodeModule.createRequire(__filename) : require;
  return load('otplib') as typeof Otplib;
}

export const otplib: typeof Otplib = loadOtplib();
