/**
 * `pnpm test:consumer`: the packages as an outside developer gets them. Packs every workspace
 * package (`pnpm release:dry` must have run: it builds and packs into `release/`), installs the
 * tarballs with plain npm into a scratch project outside the workspace, then:
 * (a) runs the README's first program, compiled to plain Node ESM;
 * (b) type-checks it with `moduleResolution` `nodenext` and `bundler`, `skipLibCheck: false`;
 * (c) runs `describeEventStoreContract` from `core/testing` with vitest against the memory store;
 * (d) synthesizes, offline, the app of docs/deploy.md that embeds `ActivityHistory`, and checks
 *     each function's asset is the installed handlers package's bundle, byte for byte;
 * (e) starts the installed local mode (`activity-history-local`, memory backend), runs the
 *     installed `activity-history-demo` against it until every count is exact, and stops it with
 *     SIGTERM;
 * (f) the same on the postgres backend (PGlite on disk, a nats-server local mode starts);
 * (g) runs the installed container runtime (`activity-history-runtime`) with an empty
 *     environment: it must refuse, exit 2, naming each required variable.
 * Exits 1 at the first step that fails, saying which.
 */
import { execFileSync, spawn } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stripVTControlCharacters } from 'node:util';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const RELEASE = join(ROOT, 'release');

/** Versions of what a consumer installs beside the packages: the ones this repository tests with. */
const rootManifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
const infraManifest = JSON.parse(readFileSync(join(ROOT, 'packages/infra/package.json'), 'utf8'));
const THIRD_PARTY = [
  `typescript@${rootManifest.devDependencies.typescript}`,
  `vitest@${rootManifest.devDependencies.vitest}`,
  `fast-check@${rootManifest.devDependencies['fast-check']}`,
  `@types/node@${rootManifest.devDependencies['@types/node']}`,
  `aws-cdk-lib@${infraManifest.devDependencies['aws-cdk-lib']}`,
  `constructs@${infraManifest.devDependencies.constructs}`,
  `aws-cdk@${infraManifest.devDependencies['aws-cdk']}`,
];

/** The first fenced block of `language` after `heading` in a document of this repository. */
const codeBlock = (document: string, heading: string, language: string, nth = 0): string => {
  const text = readFileSync(join(ROOT, document), 'utf8');
  const from = text.indexOf(heading);
  if (from < 0) throw new Error(`${document} has no "${heading}"`);
  const blocks = [...text.slice(from).matchAll(new RegExp(`\`\`\`${language}\\n([\\s\\S]*?)\`\`\``, 'g'))];
  const block = blocks[nth]?.[1];
  if (block === undefined) throw new Error(`${document} has no ${language} block ${nth} after "${heading}"`);
  return block;
};

const step = (name: string, work: () => void): void => {
  const started = performance.now();
  process.stdout.write(`consumer: ${name}...\n`);
  try {
    work();
  } catch (error) {
    const output = (error as { stdout?: Buffer; stderr?: Buffer }).stdout?.toString() ?? '';
    const errors = (error as { stderr?: Buffer }).stderr?.toString() ?? '';
    process.stderr.write(
      `consumer: FAILED ${name}\n${output}${errors}${error instanceof Error ? error.message : ''}\n`,
    );
    process.exit(1);
  }
  process.stdout.write(`consumer: ${name}: ok (${((performance.now() - started) / 1000).toFixed(1)} s)\n`);
};

/** Like {@link step}, for work that waits on a process. */
const stepAsync = async (name: string, work: () => Promise<void>): Promise<void> => {
  const started = performance.now();
  process.stdout.write(`consumer: ${name}...\n`);
  try {
    await work();
  } catch (error) {
    process.stderr.write(
      `consumer: FAILED ${name}\n${error instanceof Error ? error.message : String(error)}\n`,
    );
    process.exit(1);
  }
  process.stdout.write(`consumer: ${name}: ok (${((performance.now() - started) / 1000).toFixed(1)} s)\n`);
};

const run = (cwd: string, command: string, args: readonly string[]) =>
  execFileSync(command, [...args], {
    cwd,
    stdio: 'pipe',
    env: { ...process.env, CDK_DISABLE_VERSION_CHECK: '1' },
  }).toString();

if (!existsSync(RELEASE)) {
  process.stderr.write(
    'consumer: no release/ folder: run `pnpm release:dry` first (pnpm test:consumer does)\n',
  );
  process.exit(1);
}
const tarballs = readdirSync(RELEASE).filter((file) => file.endsWith('.tgz'));
const project = mkdtempSync(join(tmpdir(), 'activity-history-consumer-'));
process.stdout.write(`consumer: ${tarballs.length} tarballs, scratch project ${project}\n`);

try {
  step('npm install of the tarballs and their peers', () => {
    writeFileSync(
      join(project, 'package.json'),
      JSON.stringify({ name: 'consumer', private: true, type: 'module' }),
    );
    run(project, 'npm', [
      'install',
      '--no-audit',
      '--no-fund',
      '--prefer-offline',
      '--loglevel=error',
      ...tarballs.map((file) => join(RELEASE, file)),
      ...THIRD_PARTY,
    ]);
    // One aws-cdk-lib: the construct takes the app's, as a peer.
    const tree = run(project, 'npm', ['ls', 'aws-cdk-lib', '--all', '--parseable']);
    const copies = tree.split('\n').filter((line) => line.endsWith('/node_modules/aws-cdk-lib'));
    if (copies.length !== 1) throw new Error(`aws-cdk-lib installed ${copies.length} times:\n${tree}`);
  });

  const program = codeBlock('README.md', '## Use it from npm', 'ts');
  writeFileSync(join(project, 'first.ts'), program);
  cpSync(
    join(ROOT, 'consumer/fixtures/memory-store.contract.test.ts'),
    join(project, 'memory-store.contract.test.ts'),
  );
  const tsconfig = (moduleResolution: string, module: string) => ({
    compilerOptions: {
      target: 'ES2022',
      module,
      moduleResolution,
      strict: true,
      skipLibCheck: false,
      types: ['node'],
      outDir: 'out',
    },
    files: ['first.ts', 'memory-store.contract.test.ts'],
  });

  step(
    '(b) the first program and the contract test type-check with moduleResolution bundler, skipLibCheck false',
    () => {
      writeFileSync(join(project, 'tsconfig.bundler.json'), JSON.stringify(tsconfig('bundler', 'esnext')));
      run(project, 'npx', ['tsc', '-p', 'tsconfig.bundler.json', '--noEmit']);
    },
  );

  step('(b, a) both type-check with nodenext and runs as plain Node ESM', () => {
    writeFileSync(join(project, 'tsconfig.nodenext.json'), JSON.stringify(tsconfig('nodenext', 'nodenext')));
    run(project, 'npx', ['tsc', '-p', 'tsconfig.nodenext.json']);
    const output = run(project, 'node', ['out/first.js']);
    for (const expected of ['accepted', '1 1', "quantityMicros: '3000000'"]) {
      if (!output.includes(expected)) throw new Error(`the program printed:\n${output}\nnot "${expected}"`);
    }
  });

  step('(c) describeEventStoreContract from core/testing, with vitest, on the memory store', () => {
    const output = run(project, 'npx', ['vitest', 'run', '--reporter=dot', 'memory-store.contract.test.ts']);
    if (!/Tests\s+\d+ passed/.test(stripVTControlCharacters(output))) throw new Error(output);
  });

  step('(d) cdk synth, offline, of the app in docs/deploy.md; each function runs the shipped bundle', () => {
    const app = join(project, 'cdk-app');
    mkdirSync(app);
    writeFileSync(join(app, 'app.mjs'), codeBlock('docs/deploy.md', 'Embedding the construct', 'js'));
    writeFileSync(join(app, 'cdk.json'), codeBlock('docs/deploy.md', 'Embedding the construct', 'json'));
    writeFileSync(join(app, 'package.json'), JSON.stringify({ type: 'module' }));
    // The app resolves the packages from the scratch project's node_modules, one level up.
    run(app, join(project, 'node_modules/.bin/cdk'), [
      'synth',
      '--no-notices',
      '--quiet',
      '--output',
      'cdk.out',
    ]);
    const template = JSON.parse(readFileSync(join(app, 'cdk.out/MyProduct.template.json'), 'utf8'));
    const functions = Object.values(
      template.Resources as Record<string, { Type: string; Properties: Record<string, unknown> }>,
    ).filter(
      (resource) =>
        resource.Type === 'AWS::Lambda::Function' && resource.Properties.Handler === 'index.handler',
    );
    if (functions.length !== 4)
      throw new Error(`expected the 4 pipeline functions, found ${functions.length}`);
    const shipped = join(project, 'node_modules/@activity-history/handlers/dist');
    const bundles = new Set(
      ['ingest', 'process', 'query', 'diagnose'].map((name) =>
        readFileSync(join(shipped, name, 'index.mjs'), 'utf8'),
      ),
    );
    for (const fn of functions) {
      const metadata = (fn as { Metadata?: Record<string, string> }).Metadata;
      const assetPath = metadata?.['aws:asset:path'];
      if (assetPath === undefined) throw new Error('a function has no asset path metadata');
      const asset = readdirSync(join(app, 'cdk.out', assetPath));
      if (asset.join() !== 'index.mjs') throw new Error(`asset ${assetPath} holds ${asset.join(', ')}`);
      if (!bundles.has(readFileSync(join(app, 'cdk.out', assetPath, 'index.mjs'), 'utf8')))
        throw new Error(`asset ${assetPath} is not one of the installed handlers bundles`);
    }
  });

  /** Starts the installed local mode on a backend, runs the installed demo, stops it with SIGTERM. */
  const localModeServesTheDemo = async (backend: 'memory' | 'postgres') => {
    const bin = (name: string) => join(project, 'node_modules/.bin', name);
    const local = spawn(bin('activity-history-local'), [], {
      cwd: project,
      env: {
        ...process.env,
        PORT: '0',
        ACTIVITY_BACKEND: backend,
        ACTIVITY_DATA_DIR: join(project, `data-${backend}`),
        LOG_LEVEL: 'warn',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const keep = (chunk: Buffer) => {
      output += chunk.toString();
    };
    local.stdout.on('data', keep);
    local.stderr.on('data', keep);
    const exited = new Promise<number | string>((resolve) =>
      local.once('exit', (code, signal) => resolve(code ?? signal ?? -1)),
    );
    try {
      const url = await new Promise<string>((resolve, reject) => {
        // PGlite creates its database on the first start: seconds, more on a busy machine.
        const timer = setTimeout(() => reject(new Error(`local mode did not start:\n${output}`)), 90_000);
        local.stdout.on('data', () => {
          const match = /^API\s+(http:\/\/127\.0\.0\.1:\d+)\//m.exec(output);
          if (match !== null) {
            clearTimeout(timer);
            resolve(match[1]!);
          }
        });
        void exited.then(() => reject(new Error(`local mode exited at start-up:\n${output}`)));
      });
      const demo = run(project, bin('activity-history-demo'), ['--users', '5', '--url', url]);
      if (!demo.includes('every count is exact')) throw new Error(`the demo printed:\n${demo}`);
      local.kill('SIGTERM');
      const code = await exited;
      if (code !== 0 || !output.includes('stopped cleanly'))
        throw new Error(`local mode ended with ${code}:\n${output}`);
    } finally {
      local.kill('SIGKILL');
    }
  };

  await stepAsync(
    '(e) the installed local mode serves, the installed demo counts exactly, SIGTERM stops it',
    () => localModeServesTheDemo('memory'),
  );

  await stepAsync(
    '(f) the same on the postgres backend: PGlite on disk and a nats-server local mode starts',
    () => localModeServesTheDemo('postgres'),
  );

  step('(g) the installed container runtime refuses an empty environment, naming each variable', () => {
    let failure: { status?: number; stderr?: Buffer | string; message?: string } | null = null;
    try {
      execFileSync(join(project, 'node_modules/.bin', 'activity-history-runtime'), [], {
        cwd: project,
        env: { PATH: process.env.PATH ?? '' },
        stdio: 'pipe',
      });
    } catch (error) {
      failure = error as { status?: number; stderr?: Buffer | string };
    }
    const stderr = String(failure?.stderr ?? '');
    if (failure?.status !== 2) {
      // No status: it did not run at all (a missing bin, say), and the error says why.
      throw new Error(`the runtime exited ${failure?.status ?? 0}:\n${stderr || failure?.message || ''}`);
    }
    for (const variable of ['DATABASE_URL', 'NATS_URL', 'JWT_ISSUER', 'JWT_AUDIENCE']) {
      if (!stderr.includes(variable))
        throw new Error(`the runtime's refusal does not name ${variable}:\n${stderr}`);
    }
  });
} finally {
  rmSync(project, { recursive: true, force: true });
}
process.stdout.write('consumer: every step passed\n');
