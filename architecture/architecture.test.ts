/**
 * The dependency direction of the workspace, enforced on every source file:
 * - core is pure (no I/O, no cloud, no framework, no other package of ours), and its test support
 *   needs only its peer dependencies;
 * - the delivery engine imports only core;
 * - adapters never reach up into the composition root, the infrastructure or the tools;
 * - the Lambda functions (handlers) ship without the memory adapters, the emulators, the delivery
 *   engine, the HTTP gateway, local mode, the runtime or the tools; local mode does not depend on
 *   the tools or the runtime;
 * - the HTTP gateway builds only on core and the handlers; the container runtime runs on the
 *   PostgreSQL and NATS adapters, never on the AWS ones, the emulators, local mode or the tools;
 * - only adapters-aws and aws-emulators call the AWS SDK, and only tests import test support.
 * Tests themselves may reach further. The check lists the imports TypeScript itself sees (comments
 * and strings are not imports), so no extra tool is needed.
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

/** The workspace package a repository path belongs to (`packages/<name>/...`), or `null`. */
const packageDirOf = (path: string): string | null => /^packages\/([^/]+)\//.exec(path)?.[1] ?? null;

/**
 * Whether a file is test code or test support: a test, or a file under a `test/` or `testing/`
 * folder. The rules on dependencies bind what ships; tests may reach further (a producer's SDK
 * call, the emulators, the memory adapters).
 */
const isTestCode = (file: string): boolean => file.endsWith('.test.ts') || /\/(test|testing)\//.test(file);

/**
 * Where an import points: a workspace package directory (`handlers`, `aws-emulators`...) for
 * `@activity-history/<name>` or a relative path into `packages/<name>`; otherwise `null`.
 */
const workspaceTarget = (file: string, specifier: string): string | null => {
  if (isRelative(specifier)) return packageDirOf(target(file, specifier));
  const match = /^@activity-history\/([^/]+)/.exec(specifier);
  return match === null ? null : match[1]!;
};

/** Whether an import reaches a test-support entry: `<package>/testing`, or a `testing/` folder by path. */
const reachesTesting = (file: string, specifier: string): boolean =>
  isRelative(specifier)
    ? /(^|\/)testing(\/|$)/.test(target(file, specifier)) && !/\/testing\//.test(file)
    : /^@activity-history\/[^/]+\/testing(\/|$)/.test(specifier);

/** What the Lambda functions may not depend on: they ship only the adapters they run on. */
const NOT_IN_HANDLERS = [
  'adapters-memory',
  'aws-emulators',
  'delivery',
  'http-gateway',
  'local',
  'runtime',
  'cli',
];

/** What the HTTP gateway may build on: it presents the functions, whatever they run over. */
const GATEWAY_BUILDS_ON = ['core', 'handlers'];

/** What the container runtime may not depend on: it runs on PostgreSQL and NATS, not on AWS's stand-ins. */
const NOT_IN_RUNTIME = ['adapters-aws', 'aws-emulators', 'local', 'cli', 'infra'];

/** Why `file` (not test code) may not import `specifier`, outside core and delivery; `null` when it may. */
const workspaceRule = (file: string, specifier: string): string | null => {
  const from = packageDirOf(file);
  const to = workspaceTarget(file, specifier);
  if (reachesTesting(file, specifier)) return 'only tests import test support (*/testing)';
  if (packageOf(specifier).startsWith('@aws-sdk/') && from !== 'adapters-aws' && from !== 'aws-emulators')
    return 'only adapters-aws and aws-emulators call the AWS SDK';
  if (from === to || to === null) return null;
  if (
    from?.startsWith('adapters-') &&
    ['handlers', 'http-gateway', 'runtime', 'infra', 'local', 'cli'].includes(to)
  )
    return 'adapters do not depend on the composition root, the infrastructure or the tools';
  if (from === 'handlers' && NOT_IN_HANDLERS.includes(to))
    return `the Lambda functions do not depend on ${to}: only on core and the adapters they deploy with`;
  if (from === 'local' && to === 'cli') return 'local mode does not depend on the tools built on it';
  if (from === 'local' && to === 'runtime') return 'local mode does not depend on the container runtime';
  if (from === 'http-gateway' && !GATEWAY_BUILDS_ON.includes(to))
    return `the HTTP gateway builds only on ${GATEWAY_BUILDS_ON.join(' and ')}`;
  if (from === 'runtime' && NOT_IN_RUNTIME.includes(to))
    return `the container runtime does not depend on ${to}: it runs on PostgreSQL and NATS`;
  return null;
};

/** Why the delivery engine may not import a specifier; `null` when it may. */
const deliveryRule = (file: string, specifier: string): string | null => {
  if (isRelative(specifier))
    return target(file, specifier).startsWith('packages/delivery/src/')
      ? null
      : 'delivery imports only its own files';
  return specifier === '@activity-history/core'
    ? null
    : 'the delivery engine imports only core: no I/O, no SDK, no logger library';
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
        // Tests of core may also read files and use the test tools.
        if (specifier.startsWith('node:') || isBuiltin(specifier)) return null;
        return coreRule(specifier, ['valibot', 'vitest', 'fast-check', '@fast-check/vitest', 'typescript']);
      }
      if (file.startsWith('packages/core/src/testing/')) {
        return coreRule(specifier, ['valibot', 'vitest', 'fast-check']);
      }
      return coreRule(specifier, ['valibot']);
    }
    if (isTestCode(file)) return null;
    if (file.startsWith('packages/delivery/src/')) return deliveryRule(file, specifier);
    return workspaceRule(file, specifier);
  };
  return specifiers.flatMap((specifier) => {
    const rule = judge(specifier);
    return rule === null ? [] : [{ file, specifier, rule }];
  });
};

const REPO = fileURLToPath(new URL('../', import.meta.url));

const SKIPPED = new Set(['node_modules', 'dist', 'build', 'cdk.out']);

/** Every TypeScript file under a repository folder, as repository paths, builds and dependencies aside. */
const sourcesUnder = (folder: string): string[] =>
  readdirSync(join(REPO, folder), { withFileTypes: true }).flatMap((entry) => {
    const path = posix.join(folder, entry.name);
    if (entry.isDirectory()) return SKIPPED.has(entry.name) ? [] : sourcesUnder(path);
    return entry.isFile() && path.endsWith('.ts') ? [path] : [];
  });

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

describe('checkImports across the workspace', () => {
  it.each([
    [
      'packages/handlers/src/functions/query.ts',
      "import { createMemoryEventStore } from '@activity-history/adapters-memory';",
      'Lambda functions do not depend on adapters-memory',
    ],
    [
      'packages/handlers/src/functions/query.ts',
      "import { startDynalite } from '@activity-history/aws-emulators';",
      'do not depend on aws-emulators',
    ],
    [
      'packages/handlers/src/functions/query.ts',
      "import { startLocalPipeline } from '@activity-history/local';",
      'do not depend on local',
    ],
    [
      'packages/handlers/src/create-handlers.ts',
      "import { runDemo } from '../../cli/src/demo-command.js';",
      'do not depend on cli',
    ],
    [
      'packages/handlers/scripts/bundle.ts',
      "import { createDeliveryEngine } from '@activity-history/delivery';",
      'do not depend on delivery',
    ],
    [
      'packages/handlers/src/functions/ingest.ts',
      "import { KinesisClient } from '@aws-sdk/client-kinesis';",
      'only adapters-aws and aws-emulators call the AWS SDK',
    ],
    [
      'packages/local/src/aws-backend.ts',
      "import type { KinesisClient } from '@aws-sdk/client-kinesis';",
      'only adapters-aws and aws-emulators',
    ],
    [
      'packages/local/src/local-pipeline.ts',
      "import { runDrill } from '@activity-history/cli';",
      'local mode does not depend on the tools',
    ],
    [
      'packages/local/src/local-pipeline.ts',
      "import { injectDynamoDbFaults } from '@activity-history/adapters-aws/testing';",
      'only tests import test support',
    ],
    [
      'packages/infra/src/activity-history.ts',
      "import { testStack } from './testing/pipeline-template.js';",
      'only tests import test support',
    ],
    [
      'packages/adapters-memory/src/memory-event-store.ts',
      "import { ARBITRARY_NOW } from '@activity-history/core/testing';",
      'only tests import test support',
    ],
    [
      'packages/adapters-aws/src/dynamodb-event-store.ts',
      "import { startLocalPipeline } from '@activity-history/local';",
      'adapters do not depend',
    ],
    [
      'packages/handlers/src/create-handlers.ts',
      "import { startHttpGateway } from '@activity-history/http-gateway';",
      'do not depend on http-gateway',
    ],
    [
      'packages/http-gateway/src/http-gateway.ts',
      "import { createDeliveryEngine } from '@activity-history/delivery';",
      'the HTTP gateway builds only on core and handlers',
    ],
    [
      'packages/runtime/src/runtime.ts',
      "import { createKinesisEventStream } from '@activity-history/adapters-aws';",
      'the container runtime does not depend on adapters-aws',
    ],
    [
      'packages/runtime/src/runtime.ts',
      "import { startLocalPipeline } from '@activity-history/local';",
      'the container runtime does not depend on local',
    ],
    [
      'packages/local/src/local-pipeline.ts',
      "import { startRuntime } from '@activity-history/runtime';",
      'local mode does not depend on the container runtime',
    ],
    [
      'packages/adapters-nats/src/jetstream-shard-source.ts',
      "import { startRuntime } from '@activity-history/runtime';",
      'adapters do not depend',
    ],
    ['packages/delivery/src/delivery-engine.ts', "import type { Logger } from 'pino';", 'imports only core'],
    [
      'packages/delivery/src/delivery-engine.ts',
      "import { setTimeout } from 'node:timers/promises';",
      'imports only core',
    ],
    [
      'packages/delivery/src/delivery-engine.ts',
      "import { x } from '../../local/src/local-pipeline.js';",
      'imports only its own files',
    ],
  ])('flags in %s: %s', (file, source, rule) => {
    // Act
    const violations = checkImports(file, source);

    // Assert
    expect(violations).toHaveLength(1);
    expect(violations[0]!.rule).toContain(rule);
  });

  it.each([
    [
      'packages/handlers/src/functions/ingest.ts',
      "import { createKinesisEventStream } from '@activity-history/adapters-aws';",
    ],
    [
      'packages/adapters-aws/src/provisioning.ts',
      "import { CreateTableCommand } from '@aws-sdk/client-dynamodb';",
    ],
    [
      'packages/local/src/local-backends.ts',
      "import { createMemoryEventStore } from '@activity-history/adapters-memory';",
    ],
    ['packages/local/src/aws-backend.ts', "import { startDynalite } from '@activity-history/aws-emulators';"],
    ['packages/cli/src/drills/drill-run.ts', "import { startLocalPipeline } from '@activity-history/local';"],
    [
      'packages/adapters-aws/src/testing/dynamodb-faults.ts',
      "import { counterKey } from '../dynamodb-items.js';",
    ],
    [
      'packages/adapters-memory/src/testing/memory-pipeline.ts',
      "import { ARBITRARY_NOW } from '@activity-history/core/testing';",
    ],
    [
      'packages/cli/test/e2e/poison-storm.test.ts',
      "import { PutRecordsCommand } from '@aws-sdk/client-kinesis';",
    ],
    [
      'packages/handlers/test/support/memory-pipeline.ts',
      "import { createMemoryEventStore } from '@activity-history/adapters-memory';",
    ],
    ['packages/delivery/src/delivery-engine.ts', "import type { Clock } from '@activity-history/core';"],
    [
      'packages/local/src/local-pipeline.ts',
      "import { startHttpGateway } from '@activity-history/http-gateway';",
    ],
    [
      'packages/runtime/src/runtime.ts',
      "import { jetStreamShardSource } from '@activity-history/adapters-nats';",
    ],
    ['packages/runtime/src/runtime.ts', "import { createDeliveryEngine } from '@activity-history/delivery';"],
  ])('allows in %s: %s', (file, source) => {
    expect(checkImports(file, source)).toEqual([]);
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

  it('holds for every source file of every package', () => {
    // Arrange
    const packages = readdirSync(join(REPO, 'packages'));
    const files = packages.flatMap((name) => sourcesUnder(`packages/${name}`));

    // Act
    const violations = files.flatMap((file) => checkImports(file, readFileSync(join(REPO, file), 'utf8')));

    // Assert
    expect(packages).toEqual(
      expect.arrayContaining([
        'adapters-aws',
        'adapters-memory',
        'aws-emulators',
        'cli',
        'delivery',
        'handlers',
        'http-gateway',
        'local',
      ]),
    );
    expect(files.length).toBeGreaterThan(150);
    expect(violations).toEqual([]);
  });
});
