// `node --import tsx tests/env/prereqs.ts`: exit 0 when every tool the test servers need is present.
// As root, installs what is missing with apt-get; otherwise prints one line saying what to install, exit 1.
import { spawnSync } from 'node:child_process';
import { missingPackages, planPrereqs } from './tools';

function aptInstall(packages: string[]): boolean {
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const install = () =>
    spawnSync('apt-get', ['install', '-y', '--no-install-recommends', ...packages], { stdio: 'inherit', env }).status === 0;
  if (install()) return true;
  // Stale or empty package lists are the usual reason; refresh once and retry.
  spawnSync('apt-get', ['update'], { stdio: 'inherit', env });
  return install();
}

function main(): number {
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  const plan = planPrereqs(missingPackages(), isRoot);
  if (plan.action === 'ok') return 0;
  if (plan.action === 'fail') {
    console.error(plan.message);
    return 1;
  }
  console.error(`pli: installation des paquets Debian manquants : ${plan.packages.join(' ')}`);
  aptInstall(plan.packages);
  const still = missingPackages();
  if (still.required.length > 0) {
    console.error(`pli: paquets Debian toujours manquants après apt-get : ${still.required.join(' ')}`);
    return 1;
  }
  return 0;
}

process.exit(main());
