import { CommanderError } from 'commander';
import { createProgram } from './program';

/** Errors end as one line on stderr and a non-zero exit; stdout carries only what was asked for. */
createProgram()
  .parseAsync(process.argv)
  .catch((error: unknown) => {
    if (error instanceof CommanderError) {
      process.exitCode = error.exitCode;
      return;
    }
    const verbose = process.env.TONGXIN_DEBUG === '1';
    process.stderr.write(`tongxin: ${verbose ? ((error as Error)?.stack ?? String(error)) : ((error as Error)?.message ?? String(error))}\n`);
    // An error may say how bad it was (exit code 2: the question named something that does not exist).
    process.exitCode = (error as { exitCode?: number })?.exitCode ?? 1;
  });
