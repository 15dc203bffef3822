import type { ChatCompletionTool } from 'openai/resources/chat/completions';
import type { ChatMessage } from './chatClient.ts';

/**
 * A deliberately generous token estimate for a request: UTF-8 bytes / 3 (BPE vocabularies average
 * nearer 4 bytes a token on code and English), plus the chat template's per-message overhead. It is
 * used only to refuse requests that surely do not fit before sending them; the server has the last
 * word and its refusal is reported as the same typed error.
 */
export function estimateTokens(messages: readonly ChatMessage[], tools: readonly ChatCompletionTool[] = []): number {
  let bytes = 0;
  for (const message of messages) {
    const content = 'content' in message ? message.content : undefined;
    bytes += Buffer.byteLength(typeof content === 'string' ? content : JSON.stringify(content ?? ''), 'utf8');
    if ('tool_calls' in message && message.tool_calls) bytes += Buffer.byteLength(JSON.stringify(message.tool_calls), 'utf8');
  }
  if (tools.length) bytes += Buffer.byteLength(JSON.stringify(tools), 'utf8');
  return Math.ceil(bytes / 3) + messages.length * 4 + 3;
}
