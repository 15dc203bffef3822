// Writes a tiny llama-architecture GGUF v3 model with random weights (test and bench code only).
// It proves the sidecar's plumbing — loading, tokenizing, streaming, grammars — not quality.
// What such a file needs was found by hand: ../shared/notes/environment.md.
import { writeFileSync } from 'node:fs';

const enum ValueType { Uint32 = 4, Int32 = 5, Float32 = 6, Bool = 7, String = 8, Array = 9 }

type MetaValue =
  | { type: 'u32'; value: number }
  | { type: 'i32'; value: number }
  | { type: 'f32'; value: number }
  | { type: 'str'; value: string }
  | { type: 'strs'; value: string[] }
  | { type: 'f32s'; value: number[] }
  | { type: 'i32s'; value: number[] };

const N_EMBD = 64;
const N_FF = 128;
const N_BLOCKS = 2;
const ALIGNMENT = 32;

/** SPM vocabulary: control tokens, 256 byte tokens, the word-start marker and printable ASCII. */
function vocabulary(): { tokens: string[]; types: number[]; scores: number[] } {
  const tokens = ['<unk>', '<s>', '</s>'];
  const types = [2, 3, 3];
  for (let b = 0; b < 256; b++) {
    tokens.push(`<0x${b.toString(16).toUpperCase().padStart(2, '0')}>`);
    types.push(6);
  }
  tokens.push('▁');
  types.push(1);
  for (let c = 0x21; c <= 0x7e; c++) {
    tokens.push(String.fromCharCode(c));
    types.push(1);
  }
  return { tokens, types, scores: tokens.map(() => 0) };
}

/** Deterministic PRNG (mulberry32) so a seed always gives the same model. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

class Writer {
  private readonly chunks: Buffer[] = [];
  length = 0;
  private push(buffer: Buffer): void { this.chunks.push(buffer); this.length += buffer.length; }
  u32(value: number): void { const b = Buffer.alloc(4); b.writeUInt32LE(value); this.push(b); }
  i32(value: number): void { const b = Buffer.alloc(4); b.writeInt32LE(value); this.push(b); }
  u64(value: number): void { const b = Buffer.alloc(8); b.writeBigUInt64LE(BigInt(value)); this.push(b); }
  f32(value: number): void { const b = Buffer.alloc(4); b.writeFloatLE(value); this.push(b); }
  str(value: string): void { const bytes = Buffer.from(value, 'utf8'); this.u64(bytes.length); this.push(bytes); }
  raw(buffer: Buffer): void { this.push(buffer); }
  padTo(alignment: number): void { const pad = (alignment - (this.length % alignment)) % alignment; if (pad) this.push(Buffer.alloc(pad)); }
  toBuffer(): Buffer { return Buffer.concat(this.chunks); }
}

function writeMeta(w: Writer, key: string, meta: MetaValue): void {
  w.str(key);
  switch (meta.type) {
    case 'u32': w.u32(ValueType.Uint32); w.u32(meta.value); break;
    case 'i32': w.u32(ValueType.Int32); w.i32(meta.value); break;
    case 'f32': w.u32(ValueType.Float32); w.f32(meta.value); break;
    case 'str': w.u32(ValueType.String); w.str(meta.value); break;
    case 'strs': w.u32(ValueType.Array); w.u32(ValueType.String); w.u64(meta.value.length); for (const s of meta.value) w.str(s); break;
    case 'f32s': w.u32(ValueType.Array); w.u32(ValueType.Float32); w.u64(meta.value.length); for (const v of meta.value) w.f32(v); break;
    case 'i32s': w.u32(ValueType.Array); w.u32(ValueType.Int32); w.u64(meta.value.length); for (const v of meta.value) w.i32(v); break;
  }
}

export interface TinyGgufOptions {
  seed?: number;
  contextLength?: number;
  /** Leave out a required key, to test that a broken model is refused before it reaches llama.cpp. */
  omitKey?: string;
}

/** Writes the model to `path` and returns its size in bytes. */
export function writeTinyGguf(path: string, options: TinyGgufOptions = {}): number {
  const rand = random(options.seed ?? 1);
  const vocab = vocabulary();
  const V = vocab.tokens.length;
  const printable = new Set<number>();
  vocab.tokens.forEach((t, i) => { if (t.length === 1 || t === '▁') printable.add(i); });
  const eos = 2;

  // The hidden state carries a large constant in dimension 0 (from every embedding, with small
  // block weights so it survives); output rows put a bias on that dimension. Printable tokens are
  // favoured and stray bytes (which would make invalid UTF-8) are not.
  const small = (n: number, scale: number): number[] => Array.from({ length: n }, () => (rand() * 2 - 1) * scale);
  const embeddings: number[] = [];
  for (let t = 0; t < V; t++) { const row = small(N_EMBD, 1); row[0] = 8; embeddings.push(...row); }
  const output: number[] = [];
  for (let t = 0; t < V; t++) {
    const row = small(N_EMBD, 0.5);
    row[0] = printable.has(t) ? 1 : t === eos ? 0.6 : -2;
    output.push(...row);
  }

  const tensors: { name: string; dims: number[]; data: number[] }[] = [
    { name: 'token_embd.weight', dims: [N_EMBD, V], data: embeddings },
    { name: 'output_norm.weight', dims: [N_EMBD], data: Array(N_EMBD).fill(1) },
    { name: 'output.weight', dims: [N_EMBD, V], data: output },
  ];
  for (let b = 0; b < N_BLOCKS; b++) {
    tensors.push(
      { name: `blk.${b}.attn_norm.weight`, dims: [N_EMBD], data: Array(N_EMBD).fill(1) },
      { name: `blk.${b}.ffn_norm.weight`, dims: [N_EMBD], data: Array(N_EMBD).fill(1) },
      ...['attn_q', 'attn_k', 'attn_v', 'attn_output'].map((n) => ({ name: `blk.${b}.${n}.weight`, dims: [N_EMBD, N_EMBD], data: small(N_EMBD * N_EMBD, 0.05) })),
      { name: `blk.${b}.ffn_gate.weight`, dims: [N_EMBD, N_FF], data: small(N_EMBD * N_FF, 0.05) },
      { name: `blk.${b}.ffn_up.weight`, dims: [N_EMBD, N_FF], data: small(N_EMBD * N_FF, 0.05) },
      { name: `blk.${b}.ffn_down.weight`, dims: [N_FF, N_EMBD], data: small(N_FF * N_EMBD, 0.05) },
    );
  }

  const meta: [string, MetaValue][] = [
    ['general.architecture', { type: 'str', value: 'llama' }],
    ['general.name', { type: 'str', value: 'tiny-random-test-model' }],
    ['general.alignment', { type: 'u32', value: ALIGNMENT }],
    ['llama.context_length', { type: 'u32', value: options.contextLength ?? 1024 }],
    ['llama.embedding_length', { type: 'u32', value: N_EMBD }],
    ['llama.block_count', { type: 'u32', value: N_BLOCKS }],
    ['llama.feed_forward_length', { type: 'u32', value: N_FF }],
    ['llama.attention.head_count', { type: 'u32', value: 4 }],
    ['llama.attention.head_count_kv', { type: 'u32', value: 4 }],
    ['llama.rope.dimension_count', { type: 'u32', value: N_EMBD / 4 }],
    ['llama.rope.freq_base', { type: 'f32', value: 10000 }],
    ['llama.attention.layer_norm_rms_epsilon', { type: 'f32', value: 1e-5 }],
    ['llama.vocab_size', { type: 'u32', value: V }],
    ['tokenizer.ggml.model', { type: 'str', value: 'llama' }],
    ['tokenizer.ggml.pre', { type: 'str', value: 'default' }],
    ['tokenizer.ggml.tokens', { type: 'strs', value: vocab.tokens }],
    ['tokenizer.ggml.scores', { type: 'f32s', value: vocab.scores }],
    ['tokenizer.ggml.token_type', { type: 'i32s', value: vocab.types }],
    ['tokenizer.ggml.unknown_token_id', { type: 'u32', value: 0 }],
    ['tokenizer.ggml.bos_token_id', { type: 'u32', value: 1 }],
    ['tokenizer.ggml.eos_token_id', { type: 'u32', value: eos }],
    // Messages end with EOS, not a newline: a newline is a stop signal that would cut JSON short.
    ['tokenizer.chat_template', {
      type: 'str',
      value: "{% for message in messages %}{{ '### ' + message['role'] + ': ' + message['content'] + '</s>' }}{% endfor %}{% if add_generation_prompt %}{{ '### assistant: ' }}{% endif %}",
    }],
  ];
  const kept = meta.filter(([key]) => key !== options.omitKey);

  const w = new Writer();
  w.raw(Buffer.from('GGUF', 'ascii'));
  w.u32(3);
  w.u64(tensors.length);
  w.u64(kept.length);
  for (const [key, value] of kept) writeMeta(w, key, value);
  let offset = 0;
  const offsets: number[] = [];
  for (const t of tensors) {
    w.str(t.name);
    w.u32(t.dims.length);
    for (const d of t.dims) w.u64(d);
    w.u32(0); // F32
    w.u64(offset);
    offsets.push(offset);
    offset += Math.ceil((t.data.length * 4) / ALIGNMENT) * ALIGNMENT;
  }
  w.padTo(ALIGNMENT);
  for (const t of tensors) {
    const data = Buffer.alloc(Math.ceil((t.data.length * 4) / ALIGNMENT) * ALIGNMENT);
    t.data.forEach((v, i) => data.writeFloatLE(v, i * 4));
    w.raw(data);
  }
  const buffer = w.toBuffer();
  writeFileSync(path, buffer);
  return buffer.length;
}
