import { randomUUID } from 'node:crypto';
import type { ChatModelFunctions, GbnfJsonSchema, LlamaGrammar } from 'node-llama-cpp';
import { RequestError, toChatHistory } from './chatHistory.ts';
import type { GenerateResult, LlamaEngine } from './engine.ts';
import type { ChatRequest, ToolDefinition } from './openaiRequests.ts';

export interface CompletionToolCall {
  id: string;
  type: 'function';
  function: { name: string; arguments: string };
}

export interface Completion {
  id: string;
  created: number;
  model: string;
  text: string;
  toolCalls: CompletionToolCall[];
  finishReason: GenerateResult['finishReason'];
  usage: { prompt_tokens: number; completion_tokens: number; total_tokens: number };
}

/**
 * Runs one chat completion. Tools: with `tool_choice` "required" or a named function, the output is
 * constrained by a grammar to a call of one of the tools (so even a weak local model calls a tool
 * validly); with "auto", the model's own function-calling syntax is used through its chat template.
 */
export async function completeChat(engine: LlamaEngine, request: ChatRequest, signal: AbortSignal, onText?: (text: string) => void): Promise<Completion> {
  const history = toChatHistory(request.messages);
  const tools = request.tools?.length && request.tool_choice !== 'none' ? request.tools : undefined;
  const forced = tools ? forcedTools(tools, request.tool_choice) : undefined;
  let grammar: LlamaGrammar | undefined;
  let functions: ChatModelFunctions | undefined;
  if (forced) {
    grammar = await grammarFor(engine, toolCallSchema(forced), 'tool parameters');
  } else if (tools) {
    functions = Object.fromEntries(tools.map((tool) => [tool.function.name, { description: tool.function.description, params: tool.function.parameters as GbnfJsonSchema | undefined }]));
  } else if (request.response_format?.type === 'json_schema') {
    grammar = await grammarFor(engine, request.response_format.json_schema.schema, 'response_format.json_schema');
  } else if (request.response_format?.type === 'json_object') {
    grammar = await engine.llama.getGrammarFor('json');
  }
  const wanted = request.max_completion_tokens ?? request.max_tokens;
  const result = await engine.generate({
    history,
    ...(wanted !== undefined ? { maxTokens: wanted } : {}),
    ...(request.temperature !== undefined ? { temperature: request.temperature } : {}),
    ...(request.top_p !== undefined ? { topP: request.top_p } : {}),
    ...(request.seed !== undefined ? { seed: request.seed } : {}),
    ...(request.stop !== undefined ? { stop: typeof request.stop === 'string' ? [request.stop] : request.stop } : {}),
    ...(grammar ? { grammar } : {}),
    ...(functions ? { functions } : {}),
    signal,
    // A forced tool call is not text for the user; it is returned whole as a tool call.
    ...(onText && !forced ? { onText } : {}),
  });
  let text = result.text;
  let toolCalls = result.functionCalls.map((call) => toolCall(call.name, call.params));
  let finishReason = result.finishReason;
  if (forced) {
    const parsed = parseForcedCall(text, result.finishReason);
    toolCalls = [toolCall(parsed.name, parsed.arguments)];
    text = '';
    finishReason = 'tool_calls';
  }
  return {
    id: `chatcmpl-${randomUUID()}`,
    created: Math.floor(Date.now() / 1000),
    model: engine.info.model.id,
    text,
    toolCalls,
    finishReason,
    usage: { prompt_tokens: result.promptTokens, completion_tokens: result.completionTokens, total_tokens: result.promptTokens + result.completionTokens },
  };
}

function forcedTools(tools: ToolDefinition[], choice: ChatRequest['tool_choice']): ToolDefinition[] | undefined {
  if (choice === 'required') return tools;
  if (typeof choice === 'object') {
    const tool = tools.find((t) => t.function.name === choice.function.name);
    if (!tool) throw new RequestError(400, `tool_choice names "${choice.function.name}", which is not among the tools.`);
    return [tool];
  }
  return undefined;
}

function toolCallSchema(tools: ToolDefinition[]): Record<string, unknown> {
  const options = tools.map((tool) => ({
    type: 'object',
    properties: { name: { const: tool.function.name }, arguments: tool.function.parameters ?? { type: 'object', properties: {} } },
    required: ['name', 'arguments'],
  }));
  return options.length === 1 ? options[0]! : { oneOf: options };
}

async function grammarFor(engine: LlamaEngine, schema: Record<string, unknown>, where: string): Promise<LlamaGrammar> {
  try {
    return await engine.llama.createGrammarForJsonSchema(schema as never);
  } catch (error) {
    throw new RequestError(400, `The ${where} schema cannot be turned into a llama.cpp grammar: ${error instanceof Error ? error.message : String(error)}`);
  }
}

function parseForcedCall(text: string, finish: GenerateResult['finishReason']): { name: string; arguments: unknown } {
  try {
    const value = JSON.parse(text) as { name: string; arguments: unknown };
    return value;
  } catch {
    // The grammar guarantees valid JSON unless generation stopped early.
    throw new RequestError(finish === 'length' ? 400 : 500, finish === 'length' ? 'max_tokens ran out before the tool call was complete; raise max_tokens.' : 'The model produced an incomplete tool call.', finish === 'length' ? 'max_tokens_exceeded' : 'server_error');
  }
}

function toolCall(name: string, params: unknown): CompletionToolCall {
  return { id: `call_${randomUUID().replace(/-/g, '').slice(0, 24)}`, type: 'function', function: { name, arguments: JSON.stringify(params ?? {}) } };
}
