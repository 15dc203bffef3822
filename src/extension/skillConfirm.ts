import * as vscode from 'vscode';
import type { SkillConfirmation } from './skillHandlers.ts';
import { confirmationText } from './skillConfirmText.ts';

// The Skills tab's confirmations: VS Code's own modal, so that only the user (never a message from
// the webview) can change a skill. Approval lists what the safety scan found before the button.

export async function confirmSkill(confirmation: SkillConfirmation): Promise<boolean> {
  const { message, detail, label } = confirmationText(confirmation);
  const choice = await vscode.window.showWarningMessage(message, { modal: true, detail }, label);
  return choice === label;
}
