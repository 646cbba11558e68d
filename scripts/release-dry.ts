/**
 * `pnpm release:dry`: packs every workspace package (after `pnpm build`) into `release/`, prints
 * each tarball's name and size, and checks what it holds: compiled JavaScript and declarations,
 * every file its `exports` name, a README and the root LICENSE, manifest ranges without
 * `workspace:`, and no tests, TypeScript sources or build info. Exits 1 when a tarball fails.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const RELEASE = join(ROOT, 'release');

/** The export targets a consumer resolves: every condition but the workspace's own source one. */
const exportTargets = (exports: unknown): string[] => {
  if (typeof exports === 'string') return [exports];
  if (exports === null || typeof exports !== 'object') return [];
  return Object.entries(exports).flatMap(([key, value]) =>
    key === '@activity-history/source' ? [] : exportTargets(value),
  );
};

/** `text` matched literally in a regular expression (`RegExp.escape` arrived after Node 20). */
const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** What is wrong with one tarball, given its entries (without the `package/` prefix) and its files. */
const tarballProblems = (
  entries: readonly string[],
  read: (entry: string) => string,
  license: string,
): string[] => {
  const problems: string[] = [];
  const has = (entry: string) => entries.includes(entry);
  if (!entries.some((e) => e.startsWith('dist/') && e.endsWith('.js')))
    problems.push('no compiled .js in dist/');
  if (!entries.some((e) => e.startsWith('dist/') && e.endsWith('.d.ts'))) problems.push('no .d.ts in dist/');
  if (!has('README.md')) problems.push('no README.md');
  if (!has('LICENSE')) problems.push('no LICENSE');
  else if (read('LICENSE') !== license) problems.push('LICENSE differs from the root LICENSE');
  for (const entry of entries) {
    if (/\.test\./.test(entry) || /(^|\/)test\//.test(entry)) problems.push(`a test file: ${entry}`);
    if (entry.endsWith('.ts') && !entry.endsWith('.d.ts')) problems.push(`a TypeScript source: ${entry}`);
    if (entry.endsWith('.tsbuildinfo')) problems.push(`build info: ${entry}`);
  }
  const manifestText = read('package.json');
  if (manifestText.includes('workspace:')) problems.push('a workspace: range left in package.json');
  const manifest = JSON.parse(manifestText) as { exports?: unknown };
  for (const target of exportTargets(manifest.exports)) {
    const path = target.replace(/^\.\//, '');
    const matches = path.includes('*')
      ? entries.some((e) => new RegExp(`^${path.split('*').map(escapeRegExp).join('.+')}$`).test(e))
      : has(path);
    if (!matches) problems.push(`exports names a missing file: ${target}`);
  }
  return problems;
};

rmSync(RELEASE, { recursive: true, force: true });
execFileSync('pnpm', ['-r', '--silent', 'pack', '--pack-destination', RELEASE], {
  cwd: ROOT,
  stdio: 'ignore',
});
const license = readFileSync(join(ROOT, 'LICENSE'), 'utf8');
let failed = false;
for (const tarball of readdirSync(RELEASE)
  .filter((f) => f.endsWith('.tgz'))
  .sort()) {
  const file = join(RELEASE, tarball);
  const entries = execFileSync('tar', ['-tzf', file], { encoding: 'utf8' })
    .split('\n')
    .filter((e) => e !== '' && !e.endsWith('/'))
    .map((e) => e.replace(/^package\//, ''));
  const read = (entry: string) =>
    execFileSync('tar', ['-xzOf', file, `package/${entry}`], { encoding: 'utf8' });
  const problems = tarballProblems(entries, read, license);
  const kib = (statSync(file).size / 1024).toFixed(1);
  process.stdout.write(
    `${tarball.padEnd(44)} ${kib.padStart(8)} KiB  ${String(entries.length).padStart(4)} files\n`,
  );
  for (const problem of problems) process.stdout.write(`  ! ${problem}\n`);
  failed ||= problems.length > 0;
}
process.exitCode = failed ? 1 : 0;
