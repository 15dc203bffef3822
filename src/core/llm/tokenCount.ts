import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ChatCompletionTool } from 'openai/resources/chat/completions';
import type { ChatMessage } from './chatClient.ts';
import { estimateTokens } from './tokenEstimate.ts';
import type { EncodingName } from './tokenizers.ts';
import type * as Tokenizers from './tokenizers.ts';

export interface TokenCount {
  tokens: number;
  /** 'exact' with the model's own tokenizer; 'estimate' (generous) when it is not known here. */
  method: 'exact' | 'estimate';
}

// OpenAI's documented chat overhead: each message costs 3 tokens around its content, and the reply
// is primed with 3 more.
const PER_MESSAGE = 3;
const REPLY_PRIMING = 3;

/** Which tokenizer a model name uses, for the OpenAI families; undefined for everything else. */
export function encodingForModel(model: string): EncodingName | undefined {
  const name = model.toLowerCase().replace(/^.*\//, '');
  if (/^(gpt-4o|chatgpt-4o|gpt-4\.1|gpt-4\.5|gpt-5|o1|o3|o4|gpt-oss|codex)/.test(name)) return 'o200k_base';
  if (/^(gpt-4|gpt-3\.5|text-embedding-3|text-embedding-ada)/.test(name)) return 'cl100k_base';
  return undefined;
}

/**
 * Tokens a chat request takes: exact for OpenAI-family models (their BPE tokenizer, with the
 * documented per-message overhead; tool schemas counted as their JSON text), a generous estimate
 * for models whose tokenizer is not known here (the server has the last word on those).
 */
export async function countRequestTokens(model: string, messages: readonly ChatMessage[], tools: readonly ChatCompletionTool[] = []): Promise<TokenCount> {
  const encoding = encodingForModel(model);
  const count = encoding ? await loadCounter() : undefined;
  if (!encoding || !count) return { tokens: estimateTokens(messages, tools), method: 'estimate' };
  let tokens = REPLY_PRIMING;
  for (const message of messages) {
    const content = 'content' in message ? message.content : undefined;
    tokens += PER_MESSAGE + count(encoding, message.role) + count(encoding, typeof content === 'string' ? content : JSON.stringify(content ?? ''));
    if ('tool_calls' in message && message.tool_calls) tokens += count(encoding, JSON.stringify(message.tool_calls));
  }
  if (tools.length) tokens += count(encoding, JSON.stringify(tools));
  return { tokens, method: 'exact' };
}

type Counter = (encoding: EncodingName, text: string) => number;
let counter: Promise<Counter | undefined> | undefined;

function loadCounter(): Promise<Counter | undefined> {
  counter ??= (async () => {
    const here = dirname(fileURLToPath(import.meta.url));
    const bundled = join(here, 'tokenizers.cjs');
    try {
      if (existsSync(bundled)) return (createRequire(import.meta.url)(bundled) as typeof Tokenizers).countTextTokens;
      // Running from source (tests, tsx): a computed specifier keeps the bundler from inlining it.
      const source = './tokenizers.ts';
      return ((await import(source)) as typeof Tokenizers).countTextTokens;
    } catch {
      return undefined;
    }
  })();
  return counter;
}
