import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

// Proves that the layer rules of eslint.config.js bite: each deliberate cross-layer import is an error,
// and the legitimate imports beside them are not.
const eslint = new ESLint({ cwd: process.cwd() });

async function restricted(filePath: string, code: string): Promise<number> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).filter((m) => m.ruleId === 'no-restricted-imports').length;
}

describe('layer boundaries', () => {
  it.each([
    ['src/renderer/Bad.tsx', "import { Host } from '../host/host';\nexport const x = Host;\n"],
    ['src/renderer/screens/Bad.tsx', "import { readFileSync } from 'node:fs';\nexport const x = readFileSync;\n"],
    ['src/renderer/Bad.tsx', "import { PliError } from '../core/apicrypt/armor';\nexport const x = PliError;\n"],
    ['src/renderer/Bad.tsx', "import { ipcRenderer } from 'electron';\nexport const x = ipcRenderer;\n"],
    ['src/core/apicrypt/bad.ts', "import { readFileSync } from 'node:fs';\nexport const x = readFileSync;\n"],
    ['src/core/hprim/bad.ts', "import { spawn } from 'child_process';\nexport const x = spawn;\n"],
    ['src/core/bad.ts', "import { Host } from '../host/host';\nexport const x = Host;\n"],
    ['src/shared/bad.ts', "import { Host } from '../host/host';\nexport const x = Host;\n"],
    ['electron/bad.ts', "import { SettingsFile } from '../src/host/settings/settings-file';\nexport const x = SettingsFile;\n"],
    ['src/web/bad.ts', "import { scrubString } from '../core/text';\nexport const x = scrubString;\n"],
  ])('refuses %s importing across layers', async (file, code) => {
    expect(await restricted(file, code)).toBeGreaterThan(0);
  });

  it.each([
    ['src/renderer/Good.tsx', "import { commands } from '../shared/contract';\nexport const x = commands;\n"],
    ['src/renderer/runtime/good.ts', "import { createWebApi } from './web';\nexport const x = createWebApi;\n"],
    ['src/core/apicrypt/good.ts', "import { createHash } from 'node:crypto';\nexport const x = createHash;\n"],
    ['electron/good.ts', "import { createHost } from '../src/host/index';\nexport const x = createHost;\n"],
    ['src/web/good.ts', "import { createHost } from '../host/index';\nexport const x = createHost;\n"],
  ])('allows %s', async (file, code) => {
    expect(await restricted(file, code)).toBe(0);
  });
});
