/**
 * The engine stays portable: its non-test sources import only core and their own files (no Node
 * built-ins, no AWS SDK, no logger library), so local mode, simulations and any other host can
 * drive it over their own ports.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const SRC = fileURLToPath(new URL('.', import.meta.url));

/** The imports of `source` that the delivery package may not make. */
const forbiddenImports = (source: string): string[] =>
  ts
    .preProcessFile(source, true, true)
    .importedFiles.map((f) => f.fileName)
    .filter((specifier) => !specifier.startsWith('./') && specifier !== '@activity-history/core');

describe('the delivery package', () => {
  it('flags imports other than core and its own files, comments and strings aside', () => {
    const source = [
      "import { setTimeout } from 'node:timers/promises';",
      "import type { Logger } from 'pino';",
      "import { x } from '../../handlers/src/local/stream-poller.js';",
      "import type { Clock } from '@activity-history/core';",
      "import { planBatch } from './delivery-decisions.js';",
      "// import { KinesisClient } from '@aws-sdk/client-kinesis';",
    ].join('\n');

    expect(forbiddenImports(source)).toEqual([
      'node:timers/promises',
      'pino',
      '../../handlers/src/local/stream-poller.js',
    ]);
  });

  it('imports only core and its own files outside its tests', () => {
    const sources = readdirSync(SRC).filter((file) => file.endsWith('.ts') && !file.endsWith('.test.ts'));

    expect(sources.length).toBeGreaterThan(4);
    for (const file of sources) {
      expect({ file, imports: forbiddenImports(readFileSync(`${SRC}${file}`, 'utf8')) }).toEqual({
        file,
        imports: [],
      });
    }
  });
});
