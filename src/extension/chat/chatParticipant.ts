import * as vscode from 'vscode';
import { lmFeatures } from '../lm/lmApi.ts';
import type { ChatAnswerMeta } from './chatResult.ts';
import { PARTICIPANT_ID } from './chatResult.ts';

export type ChatHandler = (request: vscode.ChatRequest, context: vscode.ChatContext, stream: vscode.ChatResponseStream, token: vscode.CancellationToken) => Promise<vscode.ChatResult>;

/**
 * `@coevolve` in the Chat view (VS Code 1.90+; nothing where the chat API is missing). Registered
 * at activation, cheaply: the handler itself lives in the features bundle, loaded on first use.
 */
export function registerChatParticipant(extensionUri: vscode.Uri, handler: () => Promise<ChatHandler>): vscode.Disposable[] {
  if (!lmFeatures().participant) return [];
  const participant = vscode.chat.createChatParticipant(PARTICIPANT_ID, async (request, context, stream, token) => (await handler())(request, context, stream, token));
  participant.iconPath = vscode.Uri.joinPath(extensionUri, 'media', 'coevolve.svg');
  participant.followupProvider = { provideFollowups: (result) => followupsFor(result.metadata as ChatAnswerMeta | undefined) };
  return [participant];
}

/** What to ask next, from what the answer was about. */
export function followupsFor(meta: ChatAnswerMeta | undefined): vscode.ChatFollowup[] {
  if (!meta) return [];
  const file = meta.files?.[0];
  switch (meta.command) {
    case 'solve':
      return [
        ...(file ? [{ prompt: file, command: 'why', label: `Why is ${file} the way it is?` }] : []),
        { prompt: '', command: 'evolve', label: 'What would evolution learn from my runs?' },
      ];
    case 'recall':
      return [
        ...(file ? [{ prompt: file, command: 'why', label: `History of ${file}` }] : []),
        ...(meta.query ? [{ prompt: meta.query, command: 'solve', label: `Solve: ${meta.query.slice(0, 60)}` }] : []),
      ];
    case 'why':
      return meta.query ? [{ prompt: meta.query, command: 'recall', label: `What else does memory say about ${meta.query.slice(0, 40)}?` }] : [];
    default:
      return [{ prompt: '', command: 'recall', label: 'Recall what memory holds on a topic' }];
  }
}
