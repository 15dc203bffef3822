import { z } from 'zod';

// The subset of the OpenAI request bodies the sidecar serves. Unknown fields are ignored, as the
// OpenAI API itself does; fields the sidecar cannot honour are refused with a clear message.

const textPart = z.object({ type: z.literal('text'), text: z.string() });
const content = z.union([z.string(), z.array(z.union([textPart, z.object({ type: z.string() }).passthrough()]))]).nullable().optional();

const toolCall = z.object({
  id: z.string(),
  type: z.literal('function').optional(),
  function: z.object({ name: z.string(), arguments: z.string() }),
});

export const chatMessageSchema = z.discriminatedUnion('role', [
  z.object({ role: z.literal('system'), content }),
  z.object({ role: z.literal('developer'), content }),
  z.object({ role: z.literal('user'), content }),
  z.object({ role: z.literal('assistant'), content, tool_calls: z.array(toolCall).optional() }),
  z.object({ role: z.literal('tool'), content, tool_call_id: z.string() }),
]);
export type ChatMessage = z.infer<typeof chatMessageSchema>;

const jsonSchema = z.record(z.string(), z.unknown());

export const toolSchema = z.object({
  type: z.literal('function'),
  function: z.object({ name: z.string().regex(/^[a-zA-Z0-9_-]{1,64}$/, 'tool names are letters, digits, _ and -'), description: z.string().optional(), parameters: jsonSchema.optional() }),
});
export type ToolDefinition = z.infer<typeof toolSchema>;

export const chatRequestSchema = z.object({
  model: z.string().optional(),
  messages: z.array(chatMessageSchema).min(1, 'messages must not be empty'),
  stream: z.boolean().optional(),
  stream_options: z.object({ include_usage: z.boolean().optional() }).optional(),
  max_tokens: z.number().int().positive().optional(),
  max_completion_tokens: z.number().int().positive().optional(),
  temperature: z.number().min(0).max(2).optional(),
  top_p: z.number().gt(0).max(1).optional(),
  seed: z.number().int().optional(),
  stop: z.union([z.string(), z.array(z.string()).max(4)]).optional(),
  n: z.literal(1).optional(),
  tools: z.array(toolSchema).optional(),
  tool_choice: z.union([z.enum(['none', 'auto', 'required']), z.object({ type: z.literal('function'), function: z.object({ name: z.string() }) })]).optional(),
  response_format: z
    .union([
      z.object({ type: z.literal('text') }),
      z.object({ type: z.literal('json_object') }),
      z.object({ type: z.literal('json_schema'), json_schema: z.object({ name: z.string().optional(), schema: jsonSchema, strict: z.boolean().optional() }) }),
    ])
    .optional(),
});
export type ChatRequest = z.infer<typeof chatRequestSchema>;

export const embeddingRequestSchema = z.object({
  model: z.string().optional(),
  input: z.union([z.string(), z.array(z.string()).min(1).max(256)]),
  encoding_format: z.enum(['float']).optional(),
});
export type EmbeddingRequest = z.infer<typeof embeddingRequestSchema>;

/** The text of a message; non-text parts (images, audio) are refused by the caller. */
export function textOf(message: { content?: ChatMessage['content'] }): { text: string; unsupported: string[] } {
  const value = message.content;
  if (value == null) return { text: '', unsupported: [] };
  if (typeof value === 'string') return { text: value, unsupported: [] };
  const unsupported: string[] = [];
  let text = '';
  for (const part of value) {
    if (part.type === 'text' && typeof (part as { text?: unknown }).text === 'string') text += (part as { text: string }).text;
    else unsupported.push(part.type);
  }
  return { text, unsupported };
}
