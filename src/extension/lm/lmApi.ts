import * as vscode from 'vscode';

// engines.vscode stays ^1.90 (and @types/vscode with it: vsce refuses newer types than engines).
// 1.90 has vscode.lm.selectChatModels, sendRequest, countTokens, LanguageModelError and chat
// participants. What came later is declared here, only as far as Co-evolve uses it, and looked up
// at run time (see lmFeatures): tool calling, LanguageModelToolCallPart/ResultPart, lm.registerTool,
// lm.invokeTool and ChatRequest.model arrived in 1.95; response.stream in 1.95 too (1.90 has only .text).

export interface LmTextPart {
  value: string;
}
export interface LmToolCallPart {
  callId: string;
  name: string;
  input: object;
}
export interface LmToolResult {
  content: unknown[];
}

/** The constructors and functions newer than 1.90, present or not in the running VS Code. */
export interface NewerLmApi {
  LanguageModelTextPart: new (value: string) => LmTextPart;
  LanguageModelToolCallPart: new (callId: string, name: string, input: object) => LmToolCallPart;
  LanguageModelToolResultPart: new (callId: string, content: unknown[]) => unknown;
  LanguageModelToolResult: new (content: unknown[]) => LmToolResult;
  /** LanguageModelChatToolMode: Auto = 1, Required = 2. */
  LanguageModelChatToolMode: { Auto: number; Required: number };
}

export interface LmToolDefinition {
  invoke(options: { input: unknown; toolInvocationToken: unknown }, token: vscode.CancellationToken): Promise<LmToolResult>;
  prepareInvocation?(options: { input: unknown }, token: vscode.CancellationToken): { invocationMessage?: string; confirmationMessages?: { title: string; message: string | vscode.MarkdownString } } | undefined;
}

export interface NewerLmNamespace {
  registerTool(name: string, tool: LmToolDefinition): vscode.Disposable;
  invokeTool(name: string, options: { input: object; toolInvocationToken: unknown }, token?: vscode.CancellationToken): Thenable<LmToolResult>;
}

/** LanguageModelChatMessage.User/Assistant as 1.95 has them: content parts, not only a string. */
export interface LmMessageFactory {
  User(content: string | unknown[]): vscode.LanguageModelChatMessage;
  Assistant(content: string | unknown[]): vscode.LanguageModelChatMessage;
}

export function lmMessage(): LmMessageFactory {
  return vscode.LanguageModelChatMessage as unknown as LmMessageFactory;
}

/** The request's options as 1.95 sends them: tools and how they must be used. */
export interface LmRequestOptions extends vscode.LanguageModelChatRequestOptions {
  tools?: { name: string; description: string; inputSchema?: object }[];
  toolMode?: number;
}

/** What is available in this VS Code; each front door checks before registering. */
export interface LmFeatures {
  /** vscode.lm.selectChatModels and sendRequest (1.90). */
  models: boolean;
  /** Tool calling through the LM API (1.95). */
  toolCalling: boolean;
  /** vscode.lm.registerTool (1.95). */
  tools: boolean;
  /** vscode.chat.createChatParticipant (1.90). */
  participant: boolean;
}

export function lmFeatures(): LmFeatures {
  const lm = (vscode as { lm?: Partial<typeof vscode.lm & NewerLmNamespace> }).lm;
  const newer = vscode as unknown as Partial<NewerLmApi>;
  const toolCalling = typeof newer.LanguageModelToolCallPart === 'function' && typeof newer.LanguageModelToolResultPart === 'function' && newer.LanguageModelChatToolMode !== undefined;
  return {
    models: typeof lm?.selectChatModels === 'function',
    toolCalling,
    tools: typeof lm?.registerTool === 'function' && typeof newer.LanguageModelToolResult === 'function' && typeof newer.LanguageModelTextPart === 'function',
    participant: typeof (vscode as { chat?: Partial<typeof vscode.chat> }).chat?.createChatParticipant === 'function',
  };
}

/** The newer constructors; call only after lmFeatures() said they exist. */
export function newerApi(): NewerLmApi {
  return vscode as unknown as NewerLmApi;
}

export function newerLm(): NewerLmNamespace {
  return vscode.lm as unknown as NewerLmNamespace;
}
