import { existsSync } from 'node:fs';

/** Where Cryptolib CPS installs its PKCS#11 module, per OS, in probing order (spec §1). */
export function candidateModulePaths(platform: NodeJS.Platform = process.platform, arch: string = process.arch): string[] {
  switch (platform) {
    case 'win32':
      // A 32-bit process must load the 32-bit module (from SysWOW64).
      return arch === 'ia32'
        ? ['C:\\Windows\\SysWOW64\\cps3_pkcs11_w32.dll']
        : ['C:\\Windows\\System32\\cps3_pkcs11_w64.dll'];
    case 'darwin':
      return ['/usr/local/lib/libcps3_pkcs11_osx.dylib', '/usr/lib/libcps3_pkcs11_osx.dylib'];
    default:
      return ['/opt/santesocial/CPS/lib/libcps3_pkcs11_lux.so', '/usr/lib64/libcps3_pkcs11_lux.so'];
  }
}

/** The first module that exists, trying the OS's standard places then the path the user chose. */
export function findPkcs11Module(
  opts: { userPath?: string | null; platform?: NodeJS.Platform; arch?: string; exists?: (p: string) => boolean } = {},
): string | null {
  const exists = opts.exists ?? existsSync;
  const candidates = [...candidateModulePaths(opts.platform, opts.arch), ...(opts.userPath ? [opts.userPath] : [])];
  return candidates.find((p) => exists(p)) ?? null;
}
