import * as vscode from 'vscode';
import type { ChatCompletionTool } from 'openai/resources/chat/completions';
import type { ChatMessage, ChatRequest } from '../../core/llm/chatClient.ts';
import { lmMessage, newerApi } from './lmApi.ts';
import type { LmRequestOptions } from './lmApi.ts';

/**
 * The team's OpenAI-shaped conversation as LM API messages. The API has no system role: system
 * text goes first as a user message (as other LM-API agents do). Tool calls and their results
 * become LanguageModelToolCallPart / LanguageModelToolResultPart when tool calling is available.
 */
export function toLmMessages(messages: readonly ChatMessage[], toolCalling: boolean): vscode.LanguageModelChatMessage[] {
  const out: vscode.LanguageModelChatMessage[] = [];
  const api = toolCalling ? newerApi() : undefined;
  for (const message of messages) {
    const text = textOf(message.content);
    switch (message.role) {
      case 'system':
      case 'developer':
      case 'user':
        out.push(vscode.LanguageModelChatMessage.User(text));
        break;
      case 'assistant': {
        const calls = message.tool_calls ?? [];
        if (api && calls.length) {
          const parts: unknown[] = [];
          if (text) parts.push(new api.LanguageModelTextPart(text));
          for (const call of calls) if (call.type === 'function') parts.push(new api.LanguageModelToolCallPart(call.id, call.function.name, parseArguments(call.function.arguments)));
          out.push(lmMessage().Assistant(parts));
        } else {
          const described = calls.map((c) => (c.type === 'function' ? `[called ${c.function.name}(${c.function.arguments})]` : '')).join('\n');
          out.push(vscode.LanguageModelChatMessage.Assistant([text, described].filter(Boolean).join('\n')));
        }
        break;
      }
      case 'tool':
        out.push(
          api
            ? lmMessage().User([new api.LanguageModelToolResultPart(message.tool_call_id, [new api.LanguageModelTextPart(text)])])
            : vscode.LanguageModelChatMessage.User(`[result of ${message.tool_call_id}]\n${text}`),
        );
        break;
      default:
        out.push(vscode.LanguageModelChatMessage.User(text));
    }
  }
  return out;
}

/** Tools and the tool mode the request asks for, in the LM API's terms. */
export function toLmOptions(request: ChatRequest, justification: string): LmRequestOptions {
  const options: LmRequestOptions = { justification };
  const tools = request.toolChoice === 'none' ? [] : (request.tools ?? []);
  if (!tools.length) return options;
  const api = newerApi();
  const only = typeof request.toolChoice === 'object' ? request.toolChoice.name : undefined;
  options.tools = tools.filter((t) => !only || nameOf(t) === only).flatMap((t) => (t.type === 'function' ? [{ name: t.function.name, description: t.function.description ?? '', inputSchema: t.function.parameters ?? { type: 'object' } }] : []));
  options.toolMode = request.toolChoice === 'required' || only ? api.LanguageModelChatToolMode.Required : api.LanguageModelChatToolMode.Auto;
  return options;
}

function nameOf(tool: ChatCompletionTool): string | undefined {
  return tool.type === 'function' ? tool.function.name : undefined;
}

function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) return content.map((part: { type?: string; text?: string }) => (part.type === 'text' ? (part.text ?? '') : '')).join('');
  return '';
}

/** Arguments the team itself once received; kept as text when they were not JSON (the model sees what it sent). */
function parseArguments(text: string): object {
  try {
    const value = JSON.parse(text || '{}') as unknown;
    return typeof value === 'object' && value !== null ? value : { value };
  } catch (error) {
    // Not an error to surface: the implementer already told the model its arguments were unreadable.
    return { unparsed: text, note: error instanceof Error ? error.message : String(error) };
  }
}
