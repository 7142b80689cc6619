import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openReadModel, type LedgerReadModel } from '../read-model';
import { emptyFigures, type Figures } from '../types';

/** A directory in os.tmpdir() for one spec file, removed afterwards. */
export function tempDir(prefix = 'tongxin-read-'): { path: (name: string) => string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { path: (name) => join(dir, name), remove: () => rmSync(dir, { recursive: true, force: true }) };
}

let counter = 0;
export function openTemp(dir: { path: (name: string) => string }): LedgerReadModel {
  counter += 1;
  return openReadModel(dir.path(`read-${counter}.db`));
}

/** Zero everywhere but the figures named; fundsRaised derived as the contract defines it. */
export function figures(partial: Partial<Figures>): Figures {
  const all = { ...emptyFigures(), ...partial };
  all.fundsRaised = all.moneyReceived - all.moneyRefunded + all.goodsValueReceived;
  return all;
}
