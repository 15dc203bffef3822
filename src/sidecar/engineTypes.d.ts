// The parts of node-llama-cpp (3.22.1, LLAMA_PACKAGE in llamaModule.ts) that the sidecar uses, for
// type-checking without the engine. tsconfig.json maps `node-llama-cpp` to the real package's types
// in .sidecar-engine/ first (`npm run setup:engine`, which `npm test` runs first) and to this file
// only when they are absent, so a check with the engine installed is against the real thing.
// Signatures are copied from the real declarations, narrowed to what the sidecar calls; keep them
// in step when the pinned version changes (`npx tsc --noEmit -p .` with the engine in place says
// whether the sidecar still fits the real types; with `.sidecar-engine` renamed, whether it fits these).

export type Token = number & { __token: never };

export type Tokenizer = ((text: string, specialTokens?: boolean, options?: 'trimLeadingSpace') => Token[]) & {
  isSpecialToken(token: Token): boolean;
};

export interface LlamaText {
  tokenize(tokenizer: Tokenizer, options?: 'trimLeadingSpace'): Token[];
}

export type GbnfJsonSchema = Readonly<Record<string, unknown>>;

export type ChatSystemMessage = { type: 'system'; text: string };
export type ChatUserMessage = { type: 'user'; text: string };
export type ChatModelFunctionCall = {
  type: 'functionCall';
  name: string;
  description?: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- as declared by node-llama-cpp
  params: any;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- as declared by node-llama-cpp
  result: any;
  startsNewChunk?: boolean;
};
export type ChatModelSegment = { type: 'segment'; segmentType: 'thought' | 'comment'; text: string; ended: boolean };
export type ChatModelResponse = { type: 'model'; response: Array<string | ChatModelFunctionCall | ChatModelSegment> };
export type ChatHistoryItem = ChatSystemMessage | ChatUserMessage | ChatModelResponse;

export type ChatModelFunctions = {
  readonly [name: string]: { readonly description?: string; readonly params?: Readonly<GbnfJsonSchema> | undefined | null };
};

export declare class LlamaGrammar {
  private constructor();
}

export declare enum LlamaLogLevel {
  disabled = 'disabled',
  fatal = 'fatal',
  error = 'error',
  warn = 'warn',
  info = 'info',
  log = 'log',
  debug = 'debug',
}

export type LlamaGpuType = 'metal' | 'cuda' | 'vulkan' | false;

export type LlamaOptions = {
  gpu?: 'auto' | LlamaGpuType | { type: 'auto'; exclude?: LlamaGpuType[] };
  logLevel?: LlamaLogLevel;
  logger?: (level: LlamaLogLevel, message: string) => void;
  build?: 'auto' | 'never' | 'forceRebuild' | 'try' | 'autoAttempt';
  progressLogs?: boolean | 'stderr';
  maxThreads?: number;
};

export declare function getLlama(options?: LlamaOptions): Promise<Llama>;

export declare class Llama {
  private constructor();
  get gpu(): LlamaGpuType;
  dispose(): Promise<void>;
  getVramState(): Promise<{ total: number; used: number; free: number; unifiedSize: number }>;
  getGpuDeviceNames(): Promise<string[]>;
  loadModel(options: { modelPath: string; gpuLayers?: 'auto' | 'max' | number }): Promise<LlamaModel>;
  createGrammarForJsonSchema(schema: Readonly<GbnfJsonSchema>): Promise<LlamaGrammar>;
  getGrammarFor(type: 'json' | 'json_arr' | 'english' | 'list' | 'c' | 'arithmetic' | 'japanese' | 'chess'): Promise<LlamaGrammar>;
}

export declare class LlamaModel {
  private constructor();
  readonly tokenizer: Tokenizer;
  get fileInsights(): { get totalLayers(): number };
  get gpuLayers(): number;
  get trainContextSize(): number;
  tokenize(text: string, specialTokens?: boolean, options?: 'trimLeadingSpace'): Token[];
  createContext(options?: { contextSize?: 'auto' | number; sequences?: number; threads?: number }): Promise<LlamaContext>;
  createEmbeddingContext(options?: { contextSize?: 'auto' | number; threads?: number }): Promise<LlamaEmbeddingContext>;
  dispose(): Promise<void>;
}

export declare class LlamaContext {
  private constructor();
  get contextSize(): number;
  getSequence(): LlamaContextSequence;
  dispose(): Promise<void>;
}

export declare class LlamaContextSequence {
  private constructor();
  dispose(): Promise<void>;
}

export declare class LlamaEmbeddingContext {
  private constructor();
  get model(): LlamaModel;
  getEmbeddingFor(input: Token[] | string | LlamaText): Promise<{ readonly vector: readonly number[] }>;
  dispose(): Promise<void>;
}

export interface ChatWrapper {
  generateContextState(options: { chatHistory: readonly ChatHistoryItem[]; availableFunctions?: ChatModelFunctions }): { contextText: LlamaText };
}

type GenerateResponseOptions = {
  onTextChunk?: (text: string) => void;
  onToken?: (tokens: Token[]) => void;
  signal?: AbortSignal;
  stopOnAbortSignal?: boolean;
  maxTokens?: number;
  temperature?: number;
  topP?: number;
  seed?: number;
  customStopTriggers?: readonly (LlamaText | string | readonly (string | Token)[])[];
} & ({ grammar?: LlamaGrammar; functions?: never } | { grammar?: never; functions?: ChatModelFunctions });

export type LlamaChatResponse = {
  response: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- as declared by node-llama-cpp
  functionCalls?: { functionName: string; params: any; raw: unknown }[];
  metadata: { stopReason: 'eogToken' | 'stopGenerationTrigger' | 'functionCalls' | 'maxTokens' | 'abort' | 'customStopTrigger' };
};

export declare class LlamaChat {
  constructor(options: { contextSequence: LlamaContextSequence; autoDisposeSequence?: boolean });
  get chatWrapper(): ChatWrapper;
  generateResponse(history: ChatHistoryItem[], options?: GenerateResponseOptions): Promise<LlamaChatResponse>;
}

export declare function readGgufFileInfo(
  pathOrUri: string,
  options?: { readTensorInfo?: boolean; sourceType?: 'network' | 'filesystem'; ignoreKeys?: string[]; logWarnings?: boolean; signal?: AbortSignal },
): Promise<{ readonly tensorCount: number | bigint; readonly metadata: Readonly<Record<string, unknown>> }>;
