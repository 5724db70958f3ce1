import * as ns from 'pkcs11js';

/**
 * pkcs11js is CommonJS with its constants attached at run time, which Node's ESM loader cannot see as
 * named exports: take the namespace's default (the CJS exports) when there is one.
 */
export const pk: typeof ns = (ns as unknown as { default?: typeof ns }).default ?? ns;
export type { Handle, PKCS11, TokenInfo } from 'pkcs11js';
