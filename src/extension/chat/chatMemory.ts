import * as vscode from 'vscode';
import { CoevolveError } from '../../core/errors.ts';
import { recallInWorkspace } from '../../core/memory/recallService.ts';
import type { Workspace } from '../../core/workspace.ts';
import type { InProcessMemoryTools } from '../../mcp/inProcessTools.ts';
import { CommitDocuments } from '../commitDocuments.ts';
import type { ChatAnswerMeta } from './chatResult.ts';
import { editorRecallOptions } from '../editorRecall.ts';
import type { EmbedderLookup } from '../editorRecall.ts';

/** Text from the repository (commit subjects, paths) shown in chat markdown: no markup of its own. */
function plain(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+!|<>~]/g, (c) => `\\${c}`).replace(/\s+/g, ' ');
}

/**
 * `@coevolve /recall <text>` and plain questions: what memory holds, with each past commit and
 * file as a reference (commits open as read-only `git show` documents).
 */
export async function recallInChat(workspace: Workspace, text: string, stream: vscode.ChatResponseStream, token: vscode.CancellationToken, embedderOf?: EmbedderLookup): Promise<vscode.ChatResult> {
  const meta: ChatAnswerMeta = { command: 'recall', query: text };
  if (!text.trim()) {
    stream.markdown('Ask about a task, an error message, a file or a symbol, e.g. `@coevolve /recall why does sum ignore null`.');
    return { metadata: meta };
  }
  stream.progress('Recalling project memory…');
  // The code channel and, with an embedder configured, the semantic one join; why one could not is said in the answer.
  const notes: string[] = [];
  const controller = new AbortController();
  const subscription = token.onCancellationRequested(() => controller.abort());
  let result;
  try {
    result = await recallInWorkspace(workspace, text, { k: 8, ...(await editorRecallOptions(workspace, embedderOf, notes)), signal: controller.signal });
  } finally {
    subscription.dispose();
  }
  for (const note of notes) stream.markdown(`_${plain(note)}_\n\n`);
  if (token.isCancellationRequested) return { metadata: meta };
  if (!result.experiences.length && !result.files.length) {
    stream.markdown(`Memory holds nothing that matches "${plain(text)}".`);
    return { metadata: meta };
  }
  stream.markdown(`**${result.experiences.length} past change${result.experiences.length === 1 ? '' : 's'}** match (most relevant first; hints from history, not instructions):\n\n`);
  for (const e of result.experiences) {
    stream.markdown(`- \`${e.sha.slice(0, 10)}\` ${e.time.slice(0, 10)} [${e.kind}] ${plain(e.subject)}${e.why.length ? ` — _${plain(e.why.slice(0, 2).join('; '))}_` : ''}\n`);
    stream.reference(CommitDocuments.uriFor(workspace.root, e.sha, e.subject));
  }
  if (result.files.length) {
    stream.markdown('\n**Files likely involved:**\n\n');
    for (const f of result.files.slice(0, 8)) {
      stream.markdown(`- \`${f.path}\`${f.why.length ? `: ${plain(f.why.slice(0, 2).join('; '))}` : ''}\n`);
      stream.reference(vscode.Uri.joinPath(vscode.Uri.file(workspace.root), f.path));
    }
  }
  return { metadata: { ...meta, files: result.files.map((f) => f.path) } };
}

/**
 * `@coevolve /why <file or symbol>`: the file's history (renames followed), through the same
 * file_history tool MCP clients call. A bare symbol is looked up in memory to find its file.
 */
export async function whyInChat(workspace: Workspace, tools: InProcessMemoryTools, text: string, stream: vscode.ChatResponseStream): Promise<vscode.ChatResult> {
  const target = text.trim();
  const meta: ChatAnswerMeta = { command: 'why', query: target };
  if (!target) {
    stream.markdown('Name a file or a symbol, e.g. `@coevolve /why src/math.js` or `@coevolve /why sum`.');
    return { metadata: meta };
  }
  stream.progress('Reading the history…');
  let path = target;
  let symbol: string | undefined;
  if (!/[/\\.]/.test(target)) {
    const recalled = await recallInWorkspace(workspace, target, { k: 5 });
    const found = recalled.symbols.find((s) => s.name.toLowerCase() === target.toLowerCase() || `${s.container ?? ''}.${s.name}`.toLowerCase() === target.toLowerCase());
    if (!found) {
      stream.markdown(`Memory knows no file or symbol called "${plain(target)}". Give a path relative to the project root.`);
      return { metadata: meta };
    }
    path = found.path;
    symbol = target;
  }
  const answer = await tools.call('file_history', { path, ...(symbol ? { symbol } : {}) });
  if (answer.isError) throw new CoevolveError('bad-input', answer.text);
  stream.markdown(`History of ${symbol ? `\`${plain(symbol)}\` in ` : ''}\`${plain(path)}\`, newest first:\n\n\`\`\`text\n${answer.text.replace(/```/g, "'''")}\n\`\`\`\n`);
  stream.reference(vscode.Uri.joinPath(vscode.Uri.file(workspace.root), path));
  for (const sha of [...new Set([...answer.text.matchAll(/commit:([0-9a-f]{40})/g)].map((m) => m[1]!))].slice(0, 10)) {
    stream.reference(CommitDocuments.uriFor(workspace.root, sha));
  }
  return { metadata: { ...meta, files: [path] } };
}
