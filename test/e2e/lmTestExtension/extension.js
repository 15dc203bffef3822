// TEST ONLY (never in the VSIX): registers chat models through VS Code's official provider API
// (vscode.lm.registerLanguageModelChatProvider). Each request is forwarded, as an OpenAI chat
// completion, to the e2e suite's ScriptedModelServer (COEVOLVE_TEST_LM_URL), which plays the model
// with a scripted policy. Model "denied" answers as a provider refusing consent does.
const vscode = require('vscode');
const { writeFileSync } = require('node:fs');

const MODELS = ['chat', 'gen', 'impl', 'rect', 'denied'];

// Only "chat" is offered in the Chat view's picker (so it is the request's model); the others serve roles by name.
function info(id) {
  return { id, name: `Scripted ${id}`, family: 'scripted', version: '1', maxInputTokens: 100000, maxOutputTokens: 4000, tooltip: 'e2e test model', isUserSelectable: id === 'chat', capabilities: { toolCalling: true } };
}

function toOpenAi(messages) {
  const out = [];
  for (const message of messages) {
    const role = message.role === vscode.LanguageModelChatMessageRole.Assistant ? 'assistant' : 'user';
    let text = '';
    const calls = [];
    for (const part of message.content) {
      if (part instanceof vscode.LanguageModelTextPart) text += part.value;
      else if (part instanceof vscode.LanguageModelToolCallPart) calls.push({ id: part.callId, type: 'function', function: { name: part.name, arguments: JSON.stringify(part.input) } });
      else if (part instanceof vscode.LanguageModelToolResultPart) {
        out.push({ role: 'tool', tool_call_id: part.callId, content: part.content.map((c) => (c instanceof vscode.LanguageModelTextPart ? c.value : '')).join('') });
      }
    }
    if (calls.length) out.push({ role: 'assistant', content: text || null, tool_calls: calls });
    else if (text) out.push({ role, content: text });
  }
  return out;
}

/** What the provider was asked, for a failing test's diagnostics (COEVOLVE_TEST_LM_LOG). */
function log(line) {
  if (process.env.COEVOLVE_TEST_LM_LOG) require('node:fs').appendFileSync(process.env.COEVOLVE_TEST_LM_LOG, `${new Date().toISOString()} ${line}\n`);
}

function activate(context) {
  const url = process.env.COEVOLVE_TEST_LM_URL;
  log(`activated; lm.registerLanguageModelChatProvider is ${typeof vscode.lm.registerLanguageModelChatProvider}`);
  const changed = new vscode.EventEmitter();
  context.subscriptions.push(
    changed,
    vscode.lm.registerLanguageModelChatProvider('coevolve-test', {
      onDidChangeLanguageModelChatInformation: changed.event,
      provideLanguageModelChatInformation: (options) => {
        log(`models asked (silent: ${options?.silent})`);
        return MODELS.map(info);
      },
      async provideLanguageModelChatResponse(model, messages, options, progress, token) {
        log(`request for ${model.id}: ${messages.length} messages, ${options.tools?.length ?? 0} tools`);
        if (model.id === 'denied') throw vscode.LanguageModelError.NoPermissions('the user declined access to this model');
        const controller = new AbortController();
        const subscription = token.onCancellationRequested(() => controller.abort());
        try {
          const body = {
            model: model.id,
            messages: toOpenAi(messages),
            ...(options.tools?.length ? { tools: options.tools.map((t) => ({ type: 'function', function: { name: t.name, description: t.description, parameters: t.inputSchema } })) } : {}),
            ...(options.tools?.length && options.toolMode === vscode.LanguageModelChatToolMode.Required ? { tool_choice: 'required' } : {}),
          };
          const response = await fetch(`${url}/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body), signal: controller.signal });
          const answer = await response.json();
          if (!response.ok) throw new Error(answer.error?.message ?? `scripted server answered ${response.status}`);
          const message = answer.choices[0].message;
          if (message.content) progress.report(new vscode.LanguageModelTextPart(message.content));
          for (const call of message.tool_calls ?? []) progress.report(new vscode.LanguageModelToolCallPart(call.id, call.function.name, JSON.parse(call.function.arguments || '{}')));
        } finally {
          subscription.dispose();
        }
      },
      provideTokenCount: (_model, text) => Math.ceil((typeof text === 'string' ? text : JSON.stringify(text.content)).length / 4),
    }),
    // Calls Co-evolve's recall tool as any extension (or Copilot's agent mode) would, and leaves the answer for the test.
    vscode.commands.registerCommand('coevolveTest.invokeRecall', async () => {
      const out = process.env.COEVOLVE_TEST_TOOL_OUT;
      try {
        const result = await vscode.lm.invokeTool('coevolve_recall', { input: { text: 'sum null values', k: 5 }, toolInvocationToken: undefined });
        writeFileSync(out, JSON.stringify({ ok: true, text: result.content.map((p) => (p instanceof vscode.LanguageModelTextPart ? p.value : '')).join('') }));
      } catch (error) {
        writeFileSync(out, JSON.stringify({ ok: false, error: String(error) }));
      }
    }),
  );
  // Calls the one tool that writes, as an agent would: VS Code must ask the user first.
  context.subscriptions.push(
    vscode.commands.registerCommand('coevolveTest.invokeRecord', async (itemId = process.env.COEVOLVE_TEST_RECORD_ID) => {
      const out = process.env.COEVOLVE_TEST_TOOL_OUT;
      try {
        const result = await vscode.lm.invokeTool('coevolve_record_outcome', { input: { itemIds: [itemId], outcome: 'helped' }, toolInvocationToken: undefined });
        writeFileSync(out, JSON.stringify({ ok: true, text: result.content.map((p) => (p instanceof vscode.LanguageModelTextPart ? p.value : '')).join('') }));
      } catch (error) {
        writeFileSync(out, JSON.stringify({ ok: false, error: String(error) }));
      }
    }),
  );
  // The workbench resolves a vendor's models lazily: announce them, and ask once, so the Chat view lists them.
  changed.fire();
  void vscode.lm.selectChatModels({ vendor: 'coevolve-test' }).then((models) => log(`selectable: ${models.map((m) => m.id).join(', ')}`));
}

module.exports = { activate };
