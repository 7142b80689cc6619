/**
 * A second process asking a vault for keys (key-store.int-spec.ts): `<vault> <startAt ms> <subject>…`. Waits for
 * startAt so that both processes ask at the same moment, then prints `{ subject: key hex }` as one JSON line.
 */
import { openKeyStore } from '../open-key-store';

async function main(): Promise<void> {
  const [vault, startAt, ...subjects] = process.argv.slice(2);
  const keys = await openKeyStore(vault);
  while (Date.now() < Number(startAt)) await new Promise((resolve) => setTimeout(resolve, 1));
  const found: Record<string, string> = {};
  for (const subject of subjects) found[subject] = (await keys.keyFor(subject)).toString('hex');
  await keys.close();
  process.stdout.write(`${JSON.stringify(found)}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${String((error as Error)?.stack ?? error)}\n`);
  process.exit(1);
});
