import { describe, expect, it } from 'vitest';
import { ensureSystemPackages, installLine, type SystemPackage } from './system-packages.js';

/** A package whose presence the test controls; installing it makes it present. */
const pkg = (name: string, present: boolean) => {
  const state = { present };
  const described: SystemPackage = {
    name,
    for: `the ${name} tests`,
    present: () => state.present,
    debian: `${name}-deb`,
  };
  return { described, install: () => (state.present = true) };
};

describe('ensureSystemPackages', () => {
  it('does nothing when every package is there, not even calling the installer', () => {
    const asked: string[][] = [];

    ensureSystemPackages([pkg('java', true).described], (debs) => asked.push([...debs]) > 0);

    expect(asked).toEqual([]);
  });

  it('installs what is missing, and goes on once it is there', () => {
    const chromium = pkg('chromium', false);
    const asked: string[][] = [];

    ensureSystemPackages([pkg('java', true).described, chromium.described], (debs) => {
      asked.push([...debs]);
      chromium.install();
      return true;
    });

    expect(asked).toEqual([['chromium-deb']]);
  });

  it.each([
    ['there is no installer (not root, or no apt-get)', null],
    ['the install fails', () => false],
  ])('stops with what is missing, what needs it, and the exact install line when %s', (_, install) => {
    const run = () =>
      ensureSystemPackages([pkg('java', false).described, pkg('chromium', true).described], install);

    expect(run).toThrow(
      'the tests need java (for the java tests); install with:\n  sudo apt-get update && sudo apt-get install -y --no-install-recommends java-deb',
    );
  });

  it('writes one install line for several packages', () => {
    expect(installLine([pkg('a', false).described, pkg('b', false).described])).toBe(
      'sudo apt-get update && sudo apt-get install -y --no-install-recommends a-deb b-deb',
    );
  });
});
