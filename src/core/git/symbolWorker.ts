// Worker-thread entry: owns the tree-sitter parser, the parse cache and a blob reader, and maps the
// commits the miner posts, in order. Parsing is most of mining's CPU; doing it here lets the main
// thread read and store history at the same time (and keeps an editor's extension host responsive).
import { parentPort, workerData } from 'node:worker_threads';
import { CoevolveError } from '../errors.ts';
import { SymbolParser } from '../code/symbolParser.ts';
import { BlobReader } from './blobReader.ts';
import { DEFAULT_SYMBOL_LIMITS, SymbolMapper } from './symbolMapper.ts';
import type { SymbolMapperLimits } from './symbolMapper.ts';
import type { SymbolJob, SymbolWorkerReply } from './symbolSource.ts';

const port = parentPort!;
const { repoRoot, limits } = workerData as { repoRoot: string; limits: Partial<SymbolMapperLimits> };
const blobs = new BlobReader(repoRoot);
const ready = SymbolParser.create().then((parser) => new SymbolMapper(parser, blobs, { ...DEFAULT_SYMBOL_LIMITS, ...limits }));
let queue: Promise<void> = Promise.resolve();

port.on('message', (job: SymbolJob | { close: true }) => {
  if ('close' in job) {
    void queue.then(async () => {
      const mapper = await ready;
      port.postMessage({ closed: true, stats: { ...mapper.stats } } satisfies SymbolWorkerReply);
      mapper.dispose();
      blobs.close();
    });
    return;
  }
  queue = queue.then(async () => {
    try {
      const mapper = await ready;
      port.postMessage({ id: job.id, symbols: await mapper.map(job) } satisfies SymbolWorkerReply);
    } catch (error) {
      const code = error instanceof CoevolveError ? error.reason : undefined;
      port.postMessage({ id: job.id, error: error instanceof Error ? error.message : String(error), ...(code ? { code } : {}) } satisfies SymbolWorkerReply);
    }
  });
});
