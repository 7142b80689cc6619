import { writeLog } from '../../../bench/replay.bench';
import { rmSync } from 'node:fs';
rmSync('/tmp/ev300k.db', { force: true });
writeLog('/tmp/ev300k.db', 300_000);
