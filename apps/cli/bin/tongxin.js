#!/usr/bin/env node
/**
 * `tongxin` launcher. After `npm run build` the compiled CLI runs as plain Node; straight after `npm ci`
 * (no build) the TypeScript sources run through @swc-node/register, the same way the tests start the API.
 * TONGXIN_CLI_FROM_SOURCE=1 forces the sources even when a (possibly stale) build exists.
 */
const { existsSync } = require('node:fs');
const { join } = require('node:path');

const root = join(__dirname, '..', '..', '..');
const built = join(root, 'dist', 'apps', 'cli', 'src', 'main.js');

if (existsSync(built) && process.env.TONGXIN_CLI_FROM_SOURCE !== '1') {
  require(built);
} else {
  // @swc-node/register looks for tsconfig.json in the working directory; the path aliases live in the repo's.
  process.env.SWC_NODE_PROJECT = process.env.SWC_NODE_PROJECT || join(root, 'tsconfig.json');
  require('@swc-node/register');
  require(join(root, 'apps', 'cli', 'src', 'main.ts'));
}
