import { availableParallelism } from 'node:os';
import pLimit from 'p-limit';
import type { ChatHistoryItem, ChatModelFunctions, Llama, LlamaContext, LlamaEmbeddingContext, LlamaGrammar, LlamaModel } from 'node-llama-cpp';
import { CoevolveError } from '../core/errors.ts';
import type { Logger } from '../core/logger.ts';
import { loadWithFewerLayers } from './loadFallback.ts';
import { loadLlamaModule } from './llamaModule.ts';
import type { LlamaModule } from './llamaModule.ts';
import { inspectModelFile } from './modelFile.ts';
import type { ModelFileFacts } from './modelFile.ts';
import { RequestError } from './chatHistory.ts';
import { ignoreError } from '../core/ignoredErrors.ts';

export type GpuChoice = 'auto' | 'cuda' | 'vulkan' | 'metal' | 'cpu';

export interface EngineOptions {
  modelPath: string;
  gpu: GpuChoice;
  /** Tokens of context; defaults to the model's trained window, capped at 8192 to spare memory. */
  contextSize?: number;
  /** GPU layers to offload; 'auto' fits as many as memory allows. */
  gpuLayers?: number | 'auto';
  threads?: number;
  /** Folder holding node-llama-cpp (see llamaModule.ts). */
  llamaModule?: string;
  log: Logger;
}

export interface EngineInfo {
  model: ModelFileFacts;
  /** 'cpu' or the GPU API in use. */
  backend: string;
  gpuNames: string[];
  vramTotalBytes: number;
  gpuLayers: number;
  totalLayers: number;
  contextSize: number;
  threads: number;
  /** Set when the engine had to use fewer GPU layers or a smaller context than asked. */
  fallbackNotes: string[];
}

export interface GenerateOptions {
  history: ChatHistoryItem[];
  /** Defaults to the rest of the context window. */
  maxTokens?: number;
  temperature?: number;
  topP?: number;
  seed?: number;
  stop?: string[];
  grammar?: LlamaGrammar;
  functions?: ChatModelFunctions;
  signal: AbortSignal;
  onText?: (text: string) => void;
}

export interface GenerateResult {
  text: string;
  functionCalls: { name: string; params: unknown }[];
  finishReason: 'stop' | 'length' | 'tool_calls';
  promptTokens: number;
  completionTokens: number;
}

const DEFAULT_CONTEXT_CAP = 8192;

/** One loaded model: chat generation (one at a time, in arrival order) and embeddings. */
export class LlamaEngine {
  private readonly queue = pLimit(1);
  private embeddingContext: Promise<LlamaEmbeddingContext> | undefined;

  private constructor(
    readonly module: LlamaModule,
    readonly llama: Llama,
    readonly model: LlamaModel,
    private readonly context: LlamaContext,
    readonly info: EngineInfo,
  ) {}

  static async start(options: EngineOptions): Promise<LlamaEngine> {
    const module = await loadLlamaModule(options.llamaModule);
    const facts = await inspectModelFile(module, options.modelPath);
    const threads = options.threads ?? Math.max(1, availableParallelism() - 1);
    const llama = await getBackend(module, options.gpu, threads, options.log);
    const fallbackNotes: string[] = [];
    try {
      const wantLayers = llama.gpu === false ? 0 : (options.gpuLayers ?? 'auto');
      const loaded = await loadWithFewerLayers((gpuLayers) => llama.loadModel({ modelPath: facts.path, gpuLayers }), wantLayers, facts.blockCount, options.log);
      if (loaded.note) fallbackNotes.push(loaded.note);
      const model = loaded.value;
      const wanted = options.contextSize ?? Math.min(facts.trainContextSize, DEFAULT_CONTEXT_CAP);
      const { context, note } = await createContext(model, wanted, threads);
      if (note) {
        fallbackNotes.push(note);
        options.log.warn(note);
      }
      const vram = llama.gpu === false ? { total: 0 } : await llama.getVramState();
      const info: EngineInfo = {
        model: facts,
        backend: llama.gpu === false ? 'cpu' : llama.gpu,
        gpuNames: llama.gpu === false ? [] : await llama.getGpuDeviceNames(),
        vramTotalBytes: vram.total,
        gpuLayers: model.gpuLayers,
        totalLayers: model.fileInsights.totalLayers,
        contextSize: context.contextSize,
        threads,
        fallbackNotes,
      };
      return new LlamaEngine(module, llama, model, context, info);
    } catch (error) {
      await llama.dispose().catch(ignoreError('could not dispose llama.cpp after a failed load'));
      if (CoevolveError.is(error)) throw error;
      throw new CoevolveError('sidecar-bad-model', `llama.cpp could not load ${facts.path}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    }
  }

  generate(options: GenerateOptions): Promise<GenerateResult> {
    return this.queue(() => this.generateNow(options));
  }

  private async generateNow(options: GenerateOptions): Promise<GenerateResult> {
    if (options.signal.aborted) throw new CoevolveError('cancelled', 'The request was cancelled.');
    const sequence = this.context.getSequence();
    try {
      const chat = new this.module.LlamaChat({ contextSequence: sequence });
      const state = chat.chatWrapper.generateContextState({ chatHistory: options.history, ...(options.functions ? { availableFunctions: options.functions } : {}) });
      const promptTokens = state.contextText.tokenize(this.model.tokenizer).length;
      const room = this.info.contextSize - promptTokens;
      if (room < 1) {
        throw new RequestError(400, `This request's prompt is ${promptTokens} tokens, but the sidecar's context window is ${this.info.contextSize} tokens (start it with a larger --ctx, up to the model's ${this.info.model.trainContextSize}).`, 'context_length_exceeded');
      }
      // Refused rather than letting the window shift silently under the request.
      const maxTokens = options.maxTokens ?? room;
      if (maxTokens > room) {
        throw new RequestError(400, `This request needs ${promptTokens} prompt tokens + ${maxTokens} max_tokens, more than the sidecar's context window of ${this.info.contextSize} tokens. Lower max_tokens to at most ${room}, or start the sidecar with a larger --ctx.`, 'context_length_exceeded');
      }
      let completionTokens = 0;
      const common = {
        maxTokens,
        signal: options.signal,
        stopOnAbortSignal: false,
        onToken: (tokens: readonly unknown[]) => { completionTokens += tokens.length; },
        ...(options.onText ? { onTextChunk: options.onText } : {}),
        ...(options.temperature !== undefined ? { temperature: options.temperature } : {}),
        ...(options.topP !== undefined ? { topP: options.topP } : {}),
        ...(options.seed !== undefined ? { seed: options.seed } : {}),
        ...(options.stop?.length ? { customStopTriggers: options.stop } : {}),
      };
      const result = options.functions
        ? await chat.generateResponse(options.history, { ...common, functions: options.functions })
        : await chat.generateResponse(options.history, { ...common, ...(options.grammar ? { grammar: options.grammar } : {}) });
      const functionCalls = (result.functionCalls ?? []).map((call) => ({ name: call.functionName, params: call.params }));
      const finishReason = functionCalls.length ? 'tool_calls' : result.metadata.stopReason === 'maxTokens' ? 'length' : 'stop';
      return { text: result.response, functionCalls, finishReason, promptTokens, completionTokens };
    } catch (error) {
      if (options.signal.aborted) throw new CoevolveError('cancelled', 'The request was cancelled.');
      throw error;
    } finally {
      await sequence.dispose();
    }
  }

  async embed(texts: string[], signal: AbortSignal): Promise<{ vectors: number[][]; tokens: number }> {
    this.embeddingContext ??= this.model.createEmbeddingContext({ contextSize: Math.min(this.info.contextSize, 2048), threads: this.info.threads });
    const context = await this.embeddingContext;
    return this.queue(async () => {
      const vectors: number[][] = [];
      let tokens = 0;
      for (const [index, text] of texts.entries()) {
        if (signal.aborted) throw new CoevolveError('cancelled', 'The request was cancelled.');
        const count = this.model.tokenize(text).length;
        if (count > context.model.trainContextSize || count > Math.min(this.info.contextSize, 2048)) {
          throw new RequestError(400, `input[${index}] is ${count} tokens, more than the embedding window of ${Math.min(this.info.contextSize, 2048)} tokens.`, 'context_length_exceeded');
        }
        tokens += count;
        vectors.push([...(await context.getEmbeddingFor(text)).vector]);
      }
      return { vectors, tokens };
    });
  }

  async dispose(): Promise<void> {
    await this.queue(async () => {
      if (this.embeddingContext) await (await this.embeddingContext).dispose();
      await this.context.dispose();
      await this.model.dispose();
      await this.llama.dispose();
    });
  }
}

async function getBackend(module: LlamaModule, gpu: GpuChoice, threads: number, log: Logger): Promise<Llama> {
  try {
    return await module.getLlama({
      gpu: gpu === 'cpu' ? false : gpu,
      // Only prebuilt binaries: building llama.cpp from source needs a toolchain and many minutes.
      build: 'never',
      progressLogs: false,
      maxThreads: threads,
      logLevel: module.LlamaLogLevel.error,
      logger: (_level, message) => { if (message.trim()) log.warn(`llama.cpp: ${message.trim()}`); },
    });
  } catch (error) {
    throw new CoevolveError('sidecar-unavailable', `The ${gpu} backend could not start: ${error instanceof Error ? error.message : String(error)}`, {
      hint: gpu === 'auto' || gpu === 'cpu' ? 'Reinstall node-llama-cpp so its prebuilt binaries match this machine.' : `Use --gpu auto to pick what this machine supports, or --gpu cpu.`,
      cause: error,
    });
  }
}

async function createContext(model: LlamaModel, wanted: number, threads: number): Promise<{ context: LlamaContext; note?: string }> {
  let size = wanted;
  let firstError: unknown;
  for (;;) {
    try {
      const context = await model.createContext({ contextSize: size, threads, sequences: 1 });
      return firstError === undefined ? { context } : { context, note: `Not enough memory for a ${wanted}-token context; using ${size} tokens.` };
    } catch (error) {
      firstError ??= error;
      if (size <= 512) throw firstError;
      size = Math.max(512, Math.floor(size / 2));
    }
  }
}
