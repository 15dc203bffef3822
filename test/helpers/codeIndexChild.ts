// The code index brought to a revision in a process of its own, as a CLI call or a fresh editor
// would: prints what the update did, the notes, and the top matches for a query, as JSON.
import { codeIndexAt } from '../../src/core/memory/contentCache.ts';

const [root, storeDir, revision, query] = process.argv.slice(2);
const notes: string[] = [];
const index = await codeIndexAt({ root: root!, storeDir: storeDir! }, revision!, { onNote: (note) => notes.push(note) });
process.stdout.write(`${JSON.stringify({ update: index.lastUpdate, notes, size: index.size, top: index.query(query ?? '', 20) })}\n`);
