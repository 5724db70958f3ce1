/**
 * Runs the trusted-server simulator (a stand-in for the APICRYPT central server) on its own, for a demo:
 *   PLI_TEST_ENV=/tmp/pli-env-XXXX/env.json node --import tsx tests/support/trusted-server/main.ts [port]
 * Prints the port and the CA to trust, then runs until Ctrl-C.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { testEnv } from '../../env/current';
import { simulatorOptionsFromEnv } from './from-env';
import { start } from './index';

const env = testEnv();
const port = process.argv[2] ? Number(process.argv[2]) : 0;
const sim = await start(simulatorOptionsFromEnv(env, { port, stateDir: env.dir, log: (l) => process.stderr.write(`[trusted-server simulator] ${l}\n`) }));
const caPath = join(env.dir, 'trusted-server-simulator-ca.pem');
if (sim.caPem) writeFileSync(caPath, sim.caPem);
process.stdout.write(`TRUSTED_SERVER_SIMULATOR=${sim.host}:${sim.port}\n`);
if (sim.caPem) process.stdout.write(`TRUSTED_SERVER_SIMULATOR_CA=${caPath}\n`);
const stop = () => {
  void sim.stop().then(() => process.exit(0));
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
