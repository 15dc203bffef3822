// Brings a store's disk index up to date in a process of its own, for crash and concurrency tests
// (test/integration/memory/historyIndex.test.ts). Says "shard N" as it starts each shard.
import { HistoryIndex } from '../../src/core/memory/engine/historyIndex.ts';
import { MemoryStore } from '../../src/core/memory/store.ts';

const storeDir = process.argv[process.argv.length - 1]!;
const index = await HistoryIndex.open(storeDir);
await index.sync(await MemoryStore.open(storeDir), { onShard: (shard) => process.stdout.write(`shard ${shard}\n`) });
index.close();
