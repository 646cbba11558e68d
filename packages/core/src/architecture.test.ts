/**
 * The dependency direction, enforced: core is pure (no I/O, no cloud, no framework, no other package
 * of ours), its test support needs only its peer dependencies, and adapters never reach up into the
 * composition root or the infrastructure. The check reads every source file and lists the imports
 * TypeScript itself sees (comments and strings are not imports), so no extra tool is needed.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { isBuiltin } from 'node:module';
import { join, posix } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

/** One import that breaks the architecture. */
interface Violation {
  readonly file: string;
  readonly specifier: string;
  readonly rule: string;
}

/** The package an import names: `@scope/name` or `name`, without a subpath. */
const packageOf = (specifier: string): string => {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
};

const isRelative = (specifier: string) => specifier.startsWith('./') || specifier.startsWith('../');

/** Where a relative import of `file` points, as a repository path. */
const target = (file: string, specifier: string) => posix.join(posix.dirname(file), specifier);

/** Why core may not import a package, by kind; `null` when it may. */
const coreRule = (specifier: string, allowed: readonly string[]): string | null => {
  const name = packageOf(specifier);
  if (allowed.includes(name)) return null;
  if (specifier.startsWith('node:') || isBuiltin(specifier))
    return 'core does no I/O: no Node built-in modules';
  if (name.startsWith('@aws-sdk/')) return 'core knows no cloud: no AWS SDK';
  if (name === 'inversify' || name === 'reflect-metadata')
    return 'dependency injection belongs to the composition root';
  if (name === 'pino') return 'logging belongs to the edges';
  if (name.startsWith('@activity-history/')) return 'core imports no other package of the workspace';
  return `core depends only on ${allowed.join(', ')}`;
};

/**
 * The architecture rules for one file, given as a repository path with `/` separators: the
 * imports it may not make, each with the rule it breaks.
 */
const checkImports = (file: string, source: string): Violation[] => {
  const specifiers = ts.preProcessFile(source, true, true).importedFiles.map((f) => f.fileName);
  const judge = (specifier: string): string | null => {
    if (file.startsWith('packages/core/src/')) {
      if (isRelative(specifier)) {
        return target(file, specifier).startsWith('packages/core/src/')
          ? null
          : 'core imports only its own files';
      }
      if (file.endsWith('.test.ts')) {
        // Tests of core may also read files (this check does) and use the test tools.
        if (specifier.startsWith('node:') || isBuiltin(specifier)) return null;
        return coreRule(specifier, ['valibot', 'vitest', 'fast-check', '@fast-check/vitest', 'typescript']);
      }
      if (file.startsWith('packages/core/src/testing/')) {
        return coreRule(specifier, ['valibot', 'vitest', 'fast-check']);
      }
      return coreRule(specifier, ['valibot']);
    }
    if (/^packages\/adapters-[^/]+\/src\//.test(file)) {
      const reached = isRelative(specifier) ? target(file, specifier) : packageOf(specifier);
      if (/^(@activity-history|packages)\/(handlers|infra)(\/|$)/.test(reached))
        return 'adapters do not depend on the composition root or the infrastructure';
    }
    return null;
  };
  return specifiers.flatMap((specifier) => {
    const rule = judge(specifier);
    return rule === null ? [] : [{ file, specifier, rule }];
  });
};

const REPO = fileURLToPath(new URL('../../../', import.meta.url));

/** Every TypeScript file under a repository folder, as repository paths. */
const sourcesUnder = (folder: string): string[] =>
  readdirSync(join(REPO, folder), { recursive: true, encoding: 'utf8' })
    .filter((path) => path.endsWith('.ts'))
    .map((path) => posix.join(folder, path.split('\\').join('/')));

describe('checkImports', () => {
  const CORE = 'packages/core/src/use-cases/ingest.ts';

  it.each([
    ["import { KinesisClient } from '@aws-sdk/client-kinesis';", 'no AWS SDK'],
    ["import type { AttributeValue } from '@aws-sdk/client-dynamodb';", 'no AWS SDK'],
    ["import { Container } from 'inversify';", 'dependency injection'],
    ["import 'reflect-metadata';", 'dependency injection'],
    ["import pino from 'pino';", 'logging'],
    ["import { readFile } from 'node:fs/promises';", 'no Node built-in'],
    ["import { readFileSync } from 'fs';", 'no Node built-in'],
    ["import { request } from 'http';", 'no Node built-in'],
    ["import { connect } from 'net';", 'no Node built-in'],
    ["import { spawn } from 'child_process';", 'no Node built-in'],
    ["export * from 'node:crypto';", 'no Node built-in'],
    ["const fs = await import('node:fs');", 'no Node built-in'],
    ["const net = require('net');", 'no Node built-in'],
    ["import { memoryStore } from '@activity-history/adapters-memory';", 'no other package'],
    ["import { handler } from '@activity-history/handlers/ingest';", 'no other package'],
    ["import { x } from '../../../adapters-aws/src/index.js';", 'only its own files'],
    ["import lodash from 'lodash';", 'only on valibot'],
    ["import { fc } from 'fast-check';", 'only on valibot'],
  ])('flags %s in core', (source, rule) => {
    // Act
    const violations = checkImports(CORE, source);

    // Assert
    expect(violations).toHaveLength(1);
    expect(violations[0]!.rule).toContain(rule);
  });

  it('lets core import its own files and valibot, and ignores imports in comments and strings', () => {
    // Arrange
    const source = [
      "import * as v from 'valibot';",
      "import { ok } from '../result.js';",
      "export { dayRange } from '../day-range.js';",
      "/** @example import { KinesisClient } from '@aws-sdk/client-kinesis'; */",
      "// import pino from 'pino';",
      'const text = "import fs from \'node:fs\'";',
    ].join('\n');

    // Act
    const violations = checkImports(CORE, source);

    // Assert
    expect(violations).toEqual([]);
  });

  it('lets core test support import vitest and fast-check, and nothing else outside core', () => {
    // Arrange
    const file = 'packages/core/src/testing/arbitraries.ts';
    const source = [
      "import fc from 'fast-check';",
      "import { describe } from 'vitest';",
      "import { test } from '@fast-check/vitest';",
      "import { memoryStore } from '@activity-history/adapters-memory';",
      "import { readFile } from 'node:fs/promises';",
    ].join('\n');

    // Act
    const violations = checkImports(file, source);

    // Assert
    expect(violations.map((v) => v.specifier)).toEqual([
      '@fast-check/vitest',
      '@activity-history/adapters-memory',
      'node:fs/promises',
    ]);
  });

  it('lets core tests use the test tools and read files, but not other packages or the cloud', () => {
    // Arrange
    const file = 'packages/core/src/activity-event.test.ts';
    const source = [
      "import { fc, test } from '@fast-check/vitest';",
      "import { readFileSync } from 'node:fs';",
      "import { memoryStore } from '@activity-history/adapters-memory';",
      "import { DynamoDBClient } from '@aws-sdk/client-dynamodb';",
    ].join('\n');

    // Act
    const violations = checkImports(file, source);

    // Assert
    expect(violations.map((v) => v.specifier)).toEqual([
      '@activity-history/adapters-memory',
      '@aws-sdk/client-dynamodb',
    ]);
  });

  it('flags adapters that import the handlers or the infrastructure, by name or by path', () => {
    // Arrange
    const file = 'packages/adapters-aws/src/dynamo-event-store.ts';
    const source = [
      "import { DynamoDBClient } from '@aws-sdk/client-dynamodb';",
      "import { parseActivityEvent } from '@activity-history/core';",
      "import { container } from '@activity-history/handlers';",
      "import { ActivityStack } from '@activity-history/infra/stack';",
      "import { bundle } from '../../handlers/scripts/bundle.js';",
      "import { table } from '../../infra/src/table.js';",
      "import { helper } from './helper.js';",
    ].join('\n');

    // Act
    const violations = checkImports(file, source);

    // Assert
    expect(violations.map((v) => v.specifier)).toEqual([
      '@activity-history/handlers',
      '@activity-history/infra/stack',
      '../../handlers/scripts/bundle.js',
      '../../infra/src/table.js',
    ]);
    expect(violations.every((v) => v.rule.includes('composition root'))).toBe(true);
  });
});

describe('the architecture of the workspace', () => {
  it('holds for every source file of core', () => {
    // Arrange
    const files = sourcesUnder('packages/core/src');

    // Act
    const violations = files.flatMap((file) => checkImports(file, readFileSync(join(REPO, file), 'utf8')));

    // Assert
    expect(files.filter((file) => !file.endsWith('.test.ts')).length).toBeGreaterThan(20);
    expect(violations).toEqual([]);
  });

  it('holds for every source file of every adapter package', () => {
    // Arrange
    const packages = readdirSync(join(REPO, 'packages')).filter((name) => name.startsWith('adapters-'));
    const files = packages.flatMap((name) => sourcesUnder(`packages/${name}/src`));

    // Act
    const violations = files.flatMap((file) => checkImports(file, readFileSync(join(REPO, file), 'utf8')));

    // Assert
    expect(packages).toEqual(expect.arrayContaining(['adapters-aws', 'adapters-memory']));
    expect(files.length).toBeGreaterThan(5);
    expect(violations).toEqual([]);
  });
});
