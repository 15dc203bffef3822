// The OpenAI tokenizers (gpt-tokenizer's BPE tables, several MB), bundled on their own as
// dist/tokenizers.cjs and loaded only when a request to an OpenAI-family model is measured: the
// extension's activation never pays for them.
import * as cl100k from 'gpt-tokenizer/encoding/cl100k_base';
import * as o200k from 'gpt-tokenizer/encoding/o200k_base';

export type EncodingName = 'o200k_base' | 'cl100k_base';

export function countTextTokens(encoding: EncodingName, text: string): number {
  return (encoding === 'o200k_base' ? o200k : cl100k).countTokens(text);
}
