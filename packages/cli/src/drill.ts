#!/usr/bin/env node
/**
 * `pnpm drill <name>...` or `pnpm drill --all`: runs fault drills on the local pipeline (memory
 * backend, or `--backend postgres`: PGlite and a nats-server, the drills whose fault is a switch of
 * the memory adapters left out, each with why) and prints what each showed. Exit code 0 when every drill localized its fault and
 * recovered with exact totals, 1 otherwise, 2 for a bad command line. See docs/drills.md.
 */
import { DRILLS } from './drills/drill-catalog.js';
import { drillTable } from './drills/drill-report.js';
import { type DrillResult, runDrill } from './drills/drill-run.js';

const USAGE = `usage: pnpm drill <name>... | --all | --list [--backend memory|postgres]\ndrills: ${DRILLS.map((d) => d.name).join(', ')}\n`;

const argv = process.argv.slice(2).filter((arg) => arg !== '--');
const at = argv.indexOf('--backend');
const backend = at === -1 ? 'memory' : argv[at + 1];
const args = at === -1 ? argv : argv.filter((_, i) => i !== at && i !== at + 1);
if (backend !== 'memory' && backend !== 'postgres') {
  process.stderr.write(`--backend must be memory or postgres, not ${backend ?? 'nothing'}\n${USAGE}`);
  process.exit(2);
}
if (args.length === 0 || args.includes('--help') || args.includes('-h')) {
  process.stdout.write(USAGE);
  process.exit(args.length === 0 ? 2 : 0);
}
if (args.includes('--list')) {
  for (const d of DRILLS) {
    const where = d.memoryOnly === null ? '' : ' (memory backend only)';
    process.stdout.write(`${d.name.padEnd(18)} ${d.fault} -> suspect ${d.suspect}${where}\n`);
  }
  process.exit(0);
}
const unknown = args.filter((arg) => arg !== '--all' && !DRILLS.some((d) => d.name === arg));
if (unknown.length > 0) {
  process.stderr.write(`unknown drill: ${unknown.join(', ')}\n${USAGE}`);
  process.exit(2);
}
const named = args.includes('--all') ? DRILLS : DRILLS.filter((d) => args.includes(d.name));
const chosen = backend === 'memory' ? named : named.filter((d) => d.memoryOnly === null);
for (const d of named.filter((d) => !chosen.includes(d))) {
  process.stdout.write(`${d.name}: not run on ${backend}: ${d.memoryOnly}\n`);
}
if (chosen.length === 0) process.exit(2);

const results: DrillResult[] = [];
for (const drill of chosen) {
  process.stdout.write(`${drill.name}: ${drill.fault} (${drill.injection})\n`);
  const result = await runDrill(drill, { backend });
  results.push(result);
  process.stdout.write(
    `  diagnosis: ${result.observed.verdict}, suspect ${result.observed.suspect}: ${result.observed.summary}\n` +
      `  ${result.problem === null ? 'pass' : `FAIL: ${result.problem}`}; ${result.remedy}\n`,
  );
}
process.stdout.write(`\n${drillTable(results)}\n`);
process.exitCode = results.every((r) => r.problem === null) ? 0 : 1;
