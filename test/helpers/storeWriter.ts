// A separate process that writes to a store one experience per transaction, to prove that
// concurrent writers do not lose each other's writes. Usage: storeWriter.ts <dir> <firstSeq> <count>
import { MemoryStore } from '../../src/core/memory/store.ts';
import { fakeExperience } from './fakeExperience.ts';

const [dir, first, count] = process.argv.slice(2);
const store = await MemoryStore.open(dir!);
for (let i = 0; i < Number(count); i++) {
  const seq = Number(first) + i;
  await store.transaction(async (tx) => {
    await tx.upsert([fakeExperience(seq)]);
    tx.meta.mining.pendingReverts[`writer-${first}`] = String(seq);
  });
}
