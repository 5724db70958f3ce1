// Entry of the `pli` command (bundled into dist/cli/pli.js): runs the command table with the real process.
import { runCli } from './app';
import { processIo } from './io';

process.exitCode = await runCli(process.argv.slice(2), processIo());
