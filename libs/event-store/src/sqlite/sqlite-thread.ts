import { extname, join } from 'node:path';
import { Worker } from 'node:worker_threads';

/*
 * A worker thread does not go through Jest's transform or any loader of this thread, so it starts from
 * this bootstrap: compiled (dist/**.js) it requires the sibling .js; run from sources (Jest, benches) it
 * first hooks .ts to @swc/core (a devDependency). Directly rather than @swc-node/register, which loads
 * the TypeScript compiler to read tsconfig and costs ~0.4 s per store opened.
 */
const BOOTSTRAP = `
const { workerData } = require('node:worker_threads');
if (workerData.swc) {
  const swc = require(workerData.swc);
  const { readFileSync } = require('node:fs');
  const options = { swcrc: false, jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'commonjs' } };
  require.extensions['.ts'] = (module, filename) =>
    module._compile(swc.transformSync(readFileSync(filename, 'utf8'), { ...options, filename }).code, filename);
}
require(workerData.entry);
`;

/** Starts the thread whose entry is `entry` (a module of this directory, without extension), with `data` as its workerData. */
export function startSqliteThread(entry: string, data: object): Worker {
  const extension = extname(__filename);
  return new Worker(BOOTSTRAP, {
    eval: true,
    workerData: { ...data, entry: join(__dirname, `${entry}${extension}`), swc: extension === '.ts' ? require.resolve('@swc/core') : undefined },
  });
}
