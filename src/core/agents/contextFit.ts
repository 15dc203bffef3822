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

/**
 * Characters of text per token when sizing text to a window: the request estimate counts a token per
 * 3 bytes, and line numbers and padding add a little, hence a little under.
 */
export const CHARS_PER_TOKEN = 2.7;

/** Kept free when sizing a tool's output: the model's next call, and the small outputs that come with it. */
function outputMargin(window: number): number {
  return Math.min(512, Math.floor(window / 16));
}

/** The tool message and the untrusted-data fence around an output. */
const OUTPUT_WRAPPING = 40;
/** However full the window, an output this small still shows something to work with. */
export const MIN_OUTPUT_TOKENS = 300;

/** How many tokens one tool output may take (see `roomForOutput`). */
export interface OutputRoom {
  /** A page read by default: half of what the window holds besides the prompt, so two pages in a row fit. */
  page: number;
  /** The most it may take now, whatever was asked for: what is left once older outputs are elided. */
  most: number;
}

/**
 * Sizes the next tool output to the window, before the tool runs, so that the request it ends up in
 * fits: the first read of a long file must not overflow a small window (eliding cannot help there,
 * since the newest messages are never elided). `messages` is the conversation the output will join.
 */
export function roomForOutput(messages: readonly ChatMessage[], tools: readonly ChatCompletionTool[], window: number): OutputRoom {
  const limit = window - answerReserve(window) - outputMargin(window) - OUTPUT_WRAPPING;
  const base = estimateTokens(messages.slice(0, KEEP_OLDEST), tools);
  // Once the output is appended, the outputs before the newest few are the ones fitToWindow may elide.
  const elidable = messages.length + 1 - KEEP_NEWEST;
  const kept = messages.map((message, i) => (i >= KEEP_OLDEST && i < elidable && message.role === 'tool' ? { ...message, content: ELIDED_OUTPUT } : message));
  const most = Math.max(MIN_OUTPUT_TOKENS, limit - estimateTokens(kept, tools));
  const page = Math.max(MIN_OUTPUT_TOKENS, Math.min(most, Math.floor((limit - base) / 2)));
  return { page, most };
}

/**
 * A tool output cut, at a line, to `tokens` (from roomForOutput): a search with hundreds of matches
 * or a command's long log must not overflow a small window either. Said at the end, so the model can
 * ask for less.
 */
export function cutToRoom(output: string, tokens: number): string {
  // Measured as the request estimate measures it (a token per 3 bytes): a page sized a little under
  // that, with its header and footer, is never cut here.
  const most = tokens * 3;
  if (Buffer.byteLength(output, 'utf8') <= most) return output;
  const kept = output.slice(0, most);
  const end = kept.lastIndexOf('\n');
  const shown = end > most / 2 ? kept.slice(0, end) : kept;
  const hidden = output.slice(shown.length).split('\n').filter(Boolean).length;
  return `${shown}\n[Output cut to fit the model's context window: ${hidden} more line${hidden === 1 ? '' : 's'} not shown. Ask for less: a narrower search, a smaller range.]`;
}
