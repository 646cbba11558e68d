#!/usr/bin/env node
/** `pnpm doctor`: see `doctor-command.ts`. */
import { runDoctor } from './doctor-command.js';

process.exitCode = await runDoctor(
  process.argv.slice(2),
  { out: process.stdout, err: process.stderr },
  process.env,
);
