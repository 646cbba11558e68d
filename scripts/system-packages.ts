/**
 * What the tests need from the system, beyond npm: Java for AWS's DynamoDB Local, Chromium for
 * the dashboard's browser test, and nats-server for the JetStream adapter's tests. Run by vitest
 * before any test (`globalSetup`): a missing package is installed from Debian where that is
 * possible (as root, with apt-get), else the run stops at once with the exact install line. Never
 * a silent skip.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/** A system package the tests use: how to tell it is there, and the Debian package that brings it. */
export interface SystemPackage {
  readonly name: string;
  /** Why the tests need it. */
  readonly for: string;
  readonly present: () => boolean;
  readonly debian: string;
}

const onPath = (command: string): boolean =>
  spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;

export const SYSTEM_PACKAGES: readonly SystemPackage[] = [
  {
    name: 'java',
    for: "AWS's DynamoDB Local (the DynamoDB store's contract suite runs on it)",
    present: () => onPath('java'),
    debian: 'openjdk-17-jre-headless',
  },
  {
    name: 'chromium',
    for: "the dashboard's browser test (playwright-core drives /usr/bin/chromium)",
    present: () => existsSync('/usr/bin/chromium'),
    debian: 'chromium',
  },
  {
    name: 'nats-server',
    for: "the JetStream event stream's contract suite (adapters-nats starts one server per test file)",
    present: () => onPath('nats-server'),
    debian: 'nats-server',
  },
];

/** The install line for what is missing, as a person would type it. */
export const installLine = (missing: readonly SystemPackage[]): string =>
  `sudo apt-get update && sudo apt-get install -y --no-install-recommends ${missing.map((p) => p.debian).join(' ')}`;

/** Installs Debian packages; `false` when it could not. */
export type Installer = (debianPackages: readonly string[]) => boolean;

/** apt-get, when this process may use it (root, with apt-get on the path); else `null`. */
export const aptInstaller = (): Installer | null => {
  if (process.getuid?.() !== 0 || !onPath('apt-get')) return null;
  return (debianPackages) => {
    process.stderr.write(`installing ${debianPackages.join(', ')} for the tests (apt-get)\n`);
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    try {
      execFileSync('apt-get', ['update'], { stdio: 'inherit', env });
      execFileSync('apt-get', ['install', '-y', '--no-install-recommends', ...debianPackages], {
        stdio: 'inherit',
        env,
      });
      return true;
    } catch {
      return false;
    }
  };
};

/**
 * Installs what is missing with `install` when there is one; then, if anything is still missing,
 * throws with the packages, what needs them, and the install line.
 */
export const ensureSystemPackages = (
  packages: readonly SystemPackage[] = SYSTEM_PACKAGES,
  install: Installer | null = aptInstaller(),
): void => {
  const missing = packages.filter((p) => !p.present());
  if (missing.length === 0) return;
  install?.(missing.map((p) => p.debian));
  const still = missing.filter((p) => !p.present());
  if (still.length === 0) return;
  throw new Error(
    `the tests need ${still.map((p) => `${p.name} (for ${p.for})`).join(' and ')}; install with:\n  ${installLine(still)}`,
  );
};

/** vitest's global setup: before any test file runs. */
export default function setup(): void {
  ensureSystemPackages();
}
