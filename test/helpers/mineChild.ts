// A mine in a process of its own, for crash and concurrency tests: the core's mineHistory with a
// small batch so that one run makes many store writes. Prints the result as JSON.
import { mineHistory } from '../../src/core/mining/miner.ts';

const [repoDir, storeDir, batch, max] = process.argv.slice(2);
const result = await mineHistory(repoDir!, { storeDir: storeDir!, batchSize: Number(batch ?? 3), ...(max ? { maxCommits: Number(max) } : {}) });
process.stdout.write(`${JSON.stringify({ mined: result.mined, experiences: result.experiences, complete: result.complete })}\n`);
