import { ReadModelLaggingError } from '../ledger/errors';

const ATTEMPTS = 5;

/**
 * Runs `read` — several read-model answers for one document — until every answer stands at the same position,
 * so a report's sheets and sentences add up even while the projection runner catches up between them.
 */
export async function consistentFigures<T extends { positions: number[] }>(read: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    const answer = await read();
    if (answer.positions.every((position) => position === answer.positions[0])) return answer;
    if (attempt === ATTEMPTS) {
      // 503 with Retry-After: the projection runner was catching up all along; a moment later it will not be.
      throw new ReadModelLaggingError(Math.max(...answer.positions), Math.min(...answer.positions));
    }
  }
}
