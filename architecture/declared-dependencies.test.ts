/**
 * Every package installs from npm with what it imports: each bare import of a file the package
 * ships (its `src/`, tests and the folders its `tsconfig.build.json` leaves out aside) names a
 * package in its `dependencies` or `peerDependencies`, type-only imports included (they stay in the
 * published `.d.ts`; `aws-lambda` is provided by `@types/aws-lambda`). Tests may also use the
 * package's `devDependencies` and the root's. Workspace packages depend on each other as
 * `workspace:^`, so that published versions get a caret range.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { isBuiltin } from 'node:module';
import { join, posix } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

/** The dependency fields of a package.json that matter here. */
interface Manifest {
  readonly name: string;
  readonly dependencies?: Readonly<Record<string, string>>;
  readonly devDependencies?: Readonly<Record<string, string>>;
  readonly peerDependencies?: Readonly<Record<string, string>>;
}

/** One import that its package does not declare. */
interface Undeclared {
  readonly file: string;
  readonly specifier: string;
}

/** The package an import names: `@scope/name` or `name`, without a subpath. */
const packageOf = (specifier: string): string => {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
};

/** The packages that provide an import: itself, or its DefinitelyTyped types for a types-only name. */
const TYPES_ONLY: Readonly<Record<string, string>> = { 'aws-lambda': '@types/aws-lambda' };

/**
 * The bare imports of `source` (a file of the package `manifest` describes) that none of the
 * `allowed` dependency fields declare. Relative imports, Node built-ins and the package's own
 * name are always allowed.
 */
const undeclaredImports = (
  file: string,
  source: string,
  manifest: Manifest,
  allowed: readonly Readonly<Record<string, string>>[],
): Undeclared[] =>
  ts
    .preProcessFile(source, true, true)
    .importedFiles.map((f) => f.fileName)
    .filter(
      (specifier) => !specifier.startsWith('.') && !specifier.startsWith('node:') && !isBuiltin(specifier),
    )
    .filter((specifier) => {
      const name = packageOf(specifier);
      const provider = TYPES_ONLY[name] ?? name;
      return name !== manifest.name && !allowed.some((deps) => provider in deps);
    })
    .map((specifier) => ({ file, specifier }));

const REPO = fileURLToPath(new URL('../', import.meta.url));
const readJson = <T>(path: string): T => JSON.parse(readFileSync(join(REPO, path), 'utf8')) as T;

/** Every TypeScript file under a repository folder, as repository paths. */
const sourcesUnder = (folder: string): string[] =>
  readdirSync(join(REPO, folder), { withFileTypes: true }).flatMap((entry) => {
    const path = posix.join(folder, entry.name);
    if (entry.isDirectory())
      return ['node_modules', 'dist', 'build', 'cdk.out'].includes(entry.name) ? [] : sourcesUnder(path);
    return entry.isFile() && path.endsWith('.ts') && !path.endsWith('.d.ts') ? [path] : [];
  });

const PACKAGE_DIRS = readdirSync(join(REPO, 'packages'));

const ROOT = readJson<Manifest>('package.json');

/** The files of a package that its build compiles and ships, and the others (tests and their support). */
const filesOf = (dir: string): { readonly shipped: string[]; readonly tests: string[] } => {
  const { exclude = [] } = readJson<{ exclude?: string[] }>(`packages/${dir}/tsconfig.build.json`);
  const leftOut = exclude
    .filter((pattern) => !pattern.includes('*'))
    .map((folder) => `packages/${dir}/${folder}/`);
  const all = readdirSync(join(REPO, 'packages', dir), { withFileTypes: true })
    .filter(
      (entry) => entry.isDirectory() && !['node_modules', 'dist', 'build', 'cdk.out'].includes(entry.name),
    )
    .flatMap((entry) => sourcesUnder(`packages/${dir}/${entry.name}`));
  const isShipped = (file: string) =>
    file.startsWith(`packages/${dir}/src/`) &&
    !file.endsWith('.test.ts') &&
    !leftOut.some((f) => file.startsWith(f));
  return { shipped: all.filter(isShipped), tests: all.filter((file) => !isShipped(file)) };
};

describe('undeclaredImports', () => {
  const manifest: Manifest = {
    name: '@activity-history/example',
    dependencies: { valibot: '1.5.0', '@types/aws-lambda': '^8.10.0' },
    peerDependencies: { vitest: '>=4' },
  };

  it('lists the bare imports no allowed field declares, by package, type-only ones included', () => {
    // Arrange
    const source = [
      "import * as v from 'valibot';",
      "import type { Logger } from 'pino';",
      "import { describe } from 'vitest';",
      "import { DynamoDBClient } from '@aws-sdk/client-dynamodb/dist-es/index.js';",
      "import type { Handler } from 'aws-lambda';",
      "import { readFile } from 'node:fs/promises';",
      "import { join } from 'path';",
      "import { helper } from './helper.js';",
      "import { x } from '@activity-history/example/testing';",
    ].join('\n');

    // Act
    const undeclared = undeclaredImports('src/a.ts', source, manifest, [
      manifest.dependencies!,
      manifest.peerDependencies!,
    ]);

    // Assert
    expect(undeclared.map((u) => u.specifier)).toEqual(['pino', '@aws-sdk/client-dynamodb/dist-es/index.js']);
  });
});

describe.each(PACKAGE_DIRS)('the dependencies of packages/%s', (dir) => {
  const manifest = readJson<Manifest>(`packages/${dir}/package.json`);
  const { dependencies = {}, devDependencies = {}, peerDependencies = {} } = manifest;
  const { shipped, tests } = filesOf(dir);
  const read = (file: string) => readFileSync(join(REPO, file), 'utf8');

  it('declare every import of the shipped files as a dependency or peer dependency', () => {
    // Act
    const undeclared = shipped.flatMap((file) =>
      undeclaredImports(file, read(file), manifest, [dependencies, peerDependencies]),
    );

    // Assert
    expect(shipped.length).toBeGreaterThan(0);
    expect(undeclared).toEqual([]);
  });

  it("declare every import of the tests in the package's or the root's fields", () => {
    // Act
    const undeclared = tests.flatMap((file) =>
      undeclaredImports(file, read(file), manifest, [
        dependencies,
        devDependencies,
        peerDependencies,
        ROOT.devDependencies ?? {},
      ]),
    );

    // Assert
    expect(undeclared).toEqual([]);
  });

  it('name the other workspace packages as workspace:^', () => {
    // Arrange
    const ranges = Object.entries({ ...dependencies, ...devDependencies }).filter(([name]) =>
      name.startsWith('@activity-history/'),
    );

    // Assert
    expect(ranges.filter(([, range]) => range !== 'workspace:^')).toEqual([]);
  });
});
