/** Constants shared by the receive tests and their child scripts (no imports: children are bundled). */
export const PROFILE_PASSWORD = 'réception-test-profil-2026';
export const TEST_KDF = { passwordKdf: { N: 1024, r: 8, p: 1 }, recoveryKdf: { N: 1024, r: 8, p: 1 } };
export const GROUP_OWNERS = ['cabinet.LESTILLEULS'];
