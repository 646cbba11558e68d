/**
 * `pnpm clean`: removes what builds leave (each package's `dist/` and `build/`, the root `build/`
 * and `release/`), so that a build, and the tarballs packed from it, hold only what the current
 * sources compile to: a file deleted or renamed in `src/` leaves no stale copy behind.
 */
import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const folders = [
  ...readdirSync(join(ROOT, 'packages')).flatMap((name) =>
    ['dist', 'build'].map((out) => join('packages', name, out)),
  ),
  'build',
  'release',
];
for (const folder of folders) rmSync(join(ROOT, folder), { recursive: true, force: true });
process.stdout.write(`clean: removed ${folders.length} build folders\n`);
