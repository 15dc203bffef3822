import * as vscode from 'vscode';
import { textEdits } from '../core/util/textEdits.ts';

/**
 * Adds to `edit` what turns `document` into `newText`, one replacement per changed run of lines:
 * breakpoints, folds, markers and diagnostics on the lines in between stay put.
 */
export function replaceChangedLines(edit: vscode.WorkspaceEdit, document: vscode.TextDocument, newText: string): void {
  for (const { start, end, text } of textEdits(document.getText(), newText)) {
    edit.replace(document.uri, new vscode.Range(document.positionAt(start), document.positionAt(end)), text);
  }
}
