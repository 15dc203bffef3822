import { open } from 'node:fs/promises';
import { basename } from 'node:path';
import { CoevolveError } from '../core/errors.ts';
import type { LlamaModule } from './llamaModule.ts';
import { statIfPresent } from '../core/util/fsProbe.ts';

export interface ModelFileFacts {
  path: string;
  /** The id clients use in requests: the file name without .gguf. */
  id: string;
  architecture: string;
  trainContextSize: number;
  blockCount: number;
  sizeBytes: number;
}

// Architectures without attention heads or a feed-forward size; every other one needs both, and
// llama.cpp aborts the whole process (an uncatchable GGML assert) when they are missing.
const ATTENTION_FREE = new Set(['mamba', 'mamba2', 'rwkv6', 'rwkv7', 'rwkv6qwen2']);

/**
 * Checks a model file before llama.cpp sees it, so that a wrong path, a non-GGUF file or a broken
 * header becomes a clear message instead of a crash.
 */
export async function inspectModelFile(llama: LlamaModule, path: string): Promise<ModelFileFacts> {
  const info = await statIfPresent(path);
  if (!info) throw new CoevolveError('sidecar-bad-model', `Model file not found: ${path}`);
  if (!info.isFile()) throw new CoevolveError('sidecar-bad-model', `${path} is not a file.`);
  const magic = await readMagic(path);
  if (magic !== 'GGUF') {
    throw new CoevolveError('sidecar-bad-model', `${path} is not a GGUF model (it does not start with "GGUF").`, {
      hint: 'The sidecar runs llama.cpp models: use a .gguf file (convert safetensors with llama.cpp\'s convert_hf_to_gguf.py).',
    });
  }
  let metadata: Record<string, unknown>;
  try {
    const file = await llama.readGgufFileInfo(path, { sourceType: 'filesystem', readTensorInfo: false, logWarnings: false, ignoreKeys: ['tokenizer.ggml.tokens', 'tokenizer.ggml.scores', 'tokenizer.ggml.token_type', 'tokenizer.ggml.merges'] });
    if (Number(file.tensorCount) === 0) throw new Error('it lists no tensors (the file is truncated or not a model)');
    metadata = file.metadata as unknown as Record<string, unknown>;
  } catch (error) {
    throw new CoevolveError('sidecar-bad-model', `${path} has a damaged GGUF header: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  const general = (metadata.general ?? {}) as Record<string, unknown>;
  const architecture = typeof general.architecture === 'string' ? general.architecture : undefined;
  if (!architecture) throw new CoevolveError('sidecar-bad-model', `${path} does not say which architecture it is (general.architecture is missing).`);
  const arch = (metadata[architecture] ?? {}) as Record<string, unknown>;
  const attention = (arch.attention ?? {}) as Record<string, unknown>;
  const required: [string, unknown][] = [
    [`${architecture}.context_length`, arch.context_length],
    [`${architecture}.embedding_length`, arch.embedding_length],
    [`${architecture}.block_count`, arch.block_count],
  ];
  if (!ATTENTION_FREE.has(architecture)) {
    required.push([`${architecture}.feed_forward_length`, arch.feed_forward_length], [`${architecture}.attention.head_count`, attention.head_count]);
  }
  const tokenizer = (metadata.tokenizer ?? {}) as Record<string, unknown>;
  required.push(['tokenizer.ggml.model', (tokenizer.ggml as Record<string, unknown> | undefined)?.model]);
  const missing = required.filter(([, value]) => value === undefined).map(([key]) => key);
  if (missing.length) throw new CoevolveError('sidecar-bad-model', `${path} is missing required metadata: ${missing.join(', ')}. The file is incomplete or was converted wrongly.`);
  return {
    path,
    id: basename(path).replace(/\.gguf$/i, ''),
    architecture,
    trainContextSize: Number(arch.context_length),
    blockCount: Number(arch.block_count),
    sizeBytes: info.size,
  };
}

async function readMagic(path: string): Promise<string> {
  const handle = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(4);
    const { bytesRead } = await handle.read(buffer, 0, 4, 0);
    return buffer.subarray(0, bytesRead).toString('latin1');
  } finally {
    await handle.close();
  }
}
