import type { ChatCompletionTool } from 'openai/resources/chat/completions';
import type { ChatMessage } from '../llm/chatClient.ts';
import { estimateTokens } from '../llm/tokenEstimate.ts';

/** The newest messages are what the model is working on: never elided. */
const KEEP_NEWEST = 4;
/** The system prompt and the brief come first: never elided either. */
const KEEP_OLDEST = 2;

export const ELIDED_OUTPUT = '[Output elided to fit the model\'s context window; call the tool again if you still need it.]';

/** Room kept for the model's answer: a quarter of the window, at most 4,096 tokens. */
export function answerReserve(window: number): number {
  return Math.min(4_096, Math.floor(window / 4));
}

/**
 * Makes a tool-using conversation fit a known context window by eliding the oldest tool outputs
 * (file contents, search results) first: the model can ask for them again. Changes `messages` in
 * place and returns how many outputs it elided. Where even that is not enough it stops; the client
 * then refuses the request with a clear error rather than the server cutting it off.
 */
export function fitToWindow(messages: ChatMessage[], tools: readonly ChatCompletionTool[], window: number): number {
  const limit = window - answerReserve(window);
  let elided = 0;
  for (let i = KEEP_OLDEST; i < messages.length - KEEP_NEWEST && estimateTokens(messages, tools) > limit; i++) {
    const message = messages[i]!;
    if (message.role !== 'tool' || message.content === ELIDED_OUTPUT) continue;
    messages[i] = { ...message, content: ELIDED_OUTPUT };
    elided++;
  }
  return elided;
}
