#!/usr/bin/env node
/** `pnpm demo`: see `demo-command.ts`. */
import { runDemo } from './demo-command.js';

process.exitCode = await runDemo(
  process.argv.slice(2),
  { out: process.stdout, err: process.stderr },
  process.env,
);
