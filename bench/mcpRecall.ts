// The `recall` tool's round trip through MCP (client → stdio → server → warm index → back),
// against the same recall called in-process on a warm index: the difference is what the protocol,
// the process boundary and the answer's formatting cost.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { mineHistory } from '../src/core/mining/miner.ts';
import { recall } from '../src/core/memory/recall.ts';
import { RecallIndex } from '../src/core/memory/recallIndex.ts';
import { MemoryStore } from '../src/core/memory/store.ts';
import { CLI } from './processes.ts';
import { ms, percentile } from './stats.ts';

export interface Printer {
  header(title: string): void;
  line(label: string, value: string, note?: string): void;
}

const QUERIES = 300;

/** Mines `repo` into a store kept under `work` (once), unless a mined store is given. */
export async function mcpRecallFigures(repo: string, work: string, print: Printer, minedStore?: string): Promise<void> {
  let storeDir = minedStore;
  if (!storeDir) {
    storeDir = join(work, 'stores', `mcp-${repo.split('/').pop()}`);
    if (!existsSync(join(storeDir, 'memory', 'meta.json'))) await mineHistory(repo, { storeDir });
  }
  const store = await MemoryStore.open(storeDir);
  const index = await RecallIndex.load(store);
  const queries = await queriesFrom(store);
  print.header(`MCP recall round trip — ${index.size} experiences, ${queries.length} queries`);

  for (const q of queries.slice(0, 20)) recall(index, q, { k: 10 });
  const inProcess = queries.map((q) => {
    const t = performance.now();
    recall(index, q, { k: 10 });
    return performance.now() - t;
  });

  const transport = new StdioClientTransport({ command: process.execPath, args: [CLI, 'mcp', '--workspace', repo, '--store', storeDir], stderr: 'ignore' });
  const client = new Client({ name: 'coevolve-bench', version: '1.0.0' });
  try {
    let t = performance.now();
    await client.connect(transport);
    const connect = performance.now() - t;
    t = performance.now();
    await client.callTool({ name: 'recall', arguments: { text: queries[0]! } });
    const first = performance.now() - t;
    for (const q of queries.slice(0, 20)) await client.callTool({ name: 'recall', arguments: { text: q } });
    const roundTrips: number[] = [];
    let longest = 0;
    for (const q of queries) {
      t = performance.now();
      const result = await client.callTool({ name: 'recall', arguments: { text: q } });
      roundTrips.push(performance.now() - t);
      if (result.isError) throw new Error(`recall failed: ${JSON.stringify(result.content)}`);
      longest = Math.max(longest, JSON.stringify(result.content).length);
    }
    print.line('start + initialize (dist/cli.cjs mcp)', ms(connect));
    print.line('first recall (loads store + index)', ms(first));
    print.line('baseline: recall in-process, p50', ms(percentile(inProcess, 50)), 'warm index, k=10');
    print.line('baseline: recall in-process, p95', ms(percentile(inProcess, 95)));
    print.line('recall through MCP, p50', ms(percentile(roundTrips, 50)));
    print.line('recall through MCP, p95', ms(percentile(roundTrips, 95)), `(goal <= 30 ms)  +${ms(percentile(roundTrips, 95) - percentile(inProcess, 95))} over in-process p95`);
    print.line('largest answer', `${longest} chars`, '(bounded at 8000 + JSON escaping)');
  } finally {
    await client.close();
  }
}

/** The same mix as the in-process recall figure: full messages, stack-trace-like errors, subjects. */
async function queriesFrom(store: MemoryStore): Promise<string[]> {
  const all = await store.loadAll();
  const out: string[] = [];
  for (let i = 0; i < all.length && out.length < QUERIES; i += Math.max(1, Math.floor(all.length / QUERIES))) {
    const e = all[i]!;
    out.push(i % 3 === 0 ? `${e.intent.subject}\n${e.intent.body}` : i % 3 === 1 ? `TypeError: cannot read properties of undefined at ${e.symbols[0]?.name ?? 'handler'} (${e.files[0]?.path ?? 'src/index.ts'}:10:5)` : e.intent.subject);
  }
  return out;
}
