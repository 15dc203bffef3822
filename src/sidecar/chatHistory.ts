import type { ChatHistoryItem, ChatModelFunctionCall } from 'node-llama-cpp';
import { textOf } from './openaiRequests.ts';
import type { ChatMessage } from './openaiRequests.ts';

export class RequestError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly code: string = 'invalid_request_error',
  ) {
    super(message);
  }
}

/**
 * OpenAI messages as node-llama-cpp's chat history. Tool results are joined to the assistant's
 * tool call they answer (by id), which is how llama.cpp chat templates render them. The history
 * ends with an empty model turn: the one to generate.
 */
export function toChatHistory(messages: ChatMessage[]): ChatHistoryItem[] {
  const history: ChatHistoryItem[] = [];
  const callsById = new Map<string, ChatModelFunctionCall>();
  messages.forEach((message, index) => {
    const { text, unsupported } = textOf(message);
    if (unsupported.length) throw new RequestError(400, `messages[${index}] has ${unsupported.join(', ')} content; the local sidecar serves text models only.`);
    switch (message.role) {
      case 'system':
      case 'developer':
        history.push({ type: 'system', text });
        break;
      case 'user':
        history.push({ type: 'user', text });
        break;
      case 'assistant': {
        const response: ChatHistoryItem & { type: 'model' } = { type: 'model', response: text ? [text] : [] };
        for (const call of message.tool_calls ?? []) {
          const item: ChatModelFunctionCall = { type: 'functionCall', name: call.function.name, params: parseArguments(call.function.arguments, index), result: undefined };
          callsById.set(call.id, item);
          response.response.push(item);
        }
        history.push(response);
        break;
      }
      case 'tool': {
        const call = callsById.get(message.tool_call_id);
        if (!call) throw new RequestError(400, `messages[${index}] answers tool call "${message.tool_call_id}", which no earlier assistant message made.`);
        call.result = text;
        break;
      }
    }
  });
  history.push({ type: 'model', response: [] });
  return history;
}

function parseArguments(text: string, index: number): unknown {
  try {
    return text.trim() ? JSON.parse(text) : {};
  } catch {
    throw new RequestError(400, `messages[${index}] has a tool call whose arguments are not JSON.`);
  }
}
