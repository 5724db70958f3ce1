import { readFileSync } from 'node:fs';
import type { TestEnv } from './types';

export type { TestEnv } from './types';

let cached: { path: string; env: TestEnv } | undefined;

/** The running test servers, read once from the JSON file named by PLI_TEST_ENV. */
export function testEnv(): TestEnv {
  const path = process.env.PLI_TEST_ENV;
  if (!path) {
    throw new Error(
      'PLI_TEST_ENV is not set: start the test servers with `node --import tsx tests/env/index.ts start` ' +
        '(or run `npm test`) and pass the printed PLI_TEST_ENV=... to vitest.',
    );
  }
  if (cached?.path === path) return cached.env;
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new Error(`PLI_TEST_ENV=${path} cannot be read (are the test servers still running?): ${String(e)}`);
  }
  const env = JSON.parse(text) as TestEnv;
  cached = { path, env };
  return env;
}
