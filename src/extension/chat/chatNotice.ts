import * as vscode from 'vscode';
import type { RunNotice } from '../modelRun.ts';

/** Markdown with $(icon) codicons rendered (a plain string shows them as text). */
export function withIcons(text: string): vscode.MarkdownString {
  return new vscode.MarkdownString(text, true);
}

/** What stops a run, said in the chat response (with the remedy as a button) instead of a toast. */
export function chatNotice(stream: vscode.ChatResponseStream): RunNotice {
  const say = (icon: string, message: string, action?: { title: string; command: string }): void => {
    stream.markdown(withIcons(`${icon} **Co-evolve:** ${message}\n\n`));
    if (action) stream.button({ title: action.title, command: action.command });
  };
  return {
    warn: (message, action) => say('$(warning)', message, action),
    error: (message, action) => say('$(error)', message, action),
  };
}
