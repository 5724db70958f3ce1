import type { TestEnv } from '../../env/types';
import type { SimulatorOptions } from './index';
import { SERVER_KEYS_DIR } from './letters';

/** Simulator options for the running test servers: fixture users, Dovecot's LMTP, the test domain. */
export function simulatorOptionsFromEnv(env: TestEnv, extra: Partial<SimulatorOptions> = {}): SimulatorOptions {
  return {
    keysDir: SERVER_KEYS_DIR,
    users: env.users,
    lmtp: { host: env.dovecot.host, port: env.dovecot.lmtpPort },
    domain: env.domain,
    ...extra,
  };
}
