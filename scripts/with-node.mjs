#!/usr/bin/env node
// Runs a command under Node >= 22.12 (the project targets Node 24 LTS). With an older
// Node on PATH, it installs Node 24 once from the npm registry into .cache/node24 and
// puts it first on PATH for the command. Plain JavaScript, so that old Nodes can run it.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const [major, minor] = process.versions.node.split('.').map(Number);
const recent = major > 22 || (major === 22 && minor >= 12);

let binDir = dirname(process.execPath);
if (!recent) {
  const pkg = `node-${process.platform === 'win32' ? 'win' : process.platform}-${process.arch}`;
  const prefix = join(root, '.cache', 'node24');
  binDir = join(prefix, 'node_modules', pkg, 'bin');
  if (!existsSync(join(binDir, 'node'))) {
    console.error(`Node ${process.version} is older than 22.12: installing Node 24 from the npm registry into .cache/node24 (once, a few seconds)...`);
    const r = spawnSync('npm', ['install', '--prefix', prefix, '--no-save', '--no-audit', '--no-fund', '--loglevel=error', `${pkg}@24`], { stdio: 'inherit' });
    if (r.status !== 0 || !existsSync(join(binDir, 'node'))) {
      console.error(`Could not install ${pkg}@24. Install Node 24 LTS yourself and run the command again.`);
      process.exit(1);
    }
  }
}

const [command, ...args] = process.argv.slice(2);
if (!command) {
  console.error('usage: node scripts/with-node.mjs COMMAND [ARGS...]');
  process.exit(2);
}
const env = { ...process.env, PATH: `${binDir}${process.platform === 'win32' ? ';' : ':'}${process.env.PATH ?? ''}` };
const r = spawnSync(command, args, { stdio: 'inherit', env, shell: process.platform === 'win32' });
if (r.error) {
  console.error(r.error.message);
  process.exit(1);
}
process.exit(r.status ?? 1);
