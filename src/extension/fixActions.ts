import { existsSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { PastFixCache } from './pastFixCache.ts';
import { storeDirIn } from './storeLocation.ts';
import { ignoreError } from '../core/ignoredErrors.ts';

export interface ProblemArgs {
  uri: string;
  message: string;
  source?: string;
  line: number;
}

export interface PastFixArgs extends ProblemArgs {
  itemId: string;
  title: string;
  version: number;
}

const MAX_DIAGNOSTICS = 3;

/**
 * Quick fixes on the problems VS Code shows: always "Fix with Co-evolve" (the team runs only when
 * picked), and "Apply past fix" when memory holds a change that applies to this file as it is now.
 * Nothing slow happens here: past fixes come from a cache filled in the background.
 */
export class FixActionProvider implements vscode.CodeActionProvider {
  static readonly kinds = [vscode.CodeActionKind.QuickFix];

  constructor(private readonly cache: PastFixCache) {}

  provideCodeActions(document: vscode.TextDocument, _range: vscode.Range, context: vscode.CodeActionContext): vscode.CodeAction[] {
    const actions: vscode.CodeAction[] = [];
    for (const diagnostic of context.diagnostics.slice(0, MAX_DIAGNOSTICS)) {
      const problem: ProblemArgs = { uri: document.uri.toString(), message: diagnostic.message, line: diagnostic.range.start.line + 1, ...(diagnostic.source ? { source: diagnostic.source } : {}) };
      for (const suggestion of this.cache.get(problem.uri, diagnostic.message, document.version)) {
        const action = new vscode.CodeAction(suggestion.title, vscode.CodeActionKind.QuickFix);
        action.diagnostics = [diagnostic];
        action.command = { command: 'coevolve.applyPastFix', title: suggestion.title, arguments: [{ ...problem, itemId: suggestion.itemId, title: suggestion.title, version: document.version } satisfies PastFixArgs] };
        actions.push(action);
      }
      const fix = new vscode.CodeAction('Fix with Co-evolve', vscode.CodeActionKind.QuickFix);
      fix.diagnostics = [diagnostic];
      fix.command = { command: 'coevolve.fixProblem', title: 'Fix with Co-evolve', arguments: [problem] };
      actions.push(fix);
    }
    return actions;
  }
}

/**
 * When a file's problems change, asks the (lazily loaded) features to look for past fixes, after a
 * short pause, and only in a workspace whose history was mined.
 */
export function watchDiagnostics(lookup: (uris: vscode.Uri[]) => Promise<void>): vscode.Disposable {
  const pending = new Set<string>();
  let timer: NodeJS.Timeout | undefined;
  const mined = (): boolean => (vscode.workspace.workspaceFolders ?? []).some((f) => f.uri.scheme === 'file' && existsSync(join(storeDirIn(f.uri.fsPath), 'memory', 'meta.json')));
  return vscode.languages.onDidChangeDiagnostics((event) => {
    for (const uri of event.uris) if (uri.scheme === 'file' && vscode.languages.getDiagnostics(uri).length) pending.add(uri.toString());
    if (!pending.size || !mined()) return;
    clearTimeout(timer);
    timer = setTimeout(() => {
      const uris = [...pending].map((u) => vscode.Uri.parse(u));
      pending.clear();
      // Past-fix hints are extras: a failed lookup only means no hint for these files this time.
      void lookup(uris).catch(ignoreError('could not look up past fixes for the files with new problems'));
    }, 400);
  });
}
