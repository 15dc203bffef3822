import * as vscode from 'vscode';

// VS Code's own modal: only the user, never a message from the webview, can have memory forget a commit.

/** Forgetting cannot be undone: the store keeps only a tombstone, and mining again keeps it one. */
export async function confirmForget(experience: { sha: string; subject: string }): Promise<boolean> {
  const label = 'Forget';
  const choice = await vscode.window.showWarningMessage(
    `Forget "${experience.subject}" (${experience.sha.slice(0, 10)})?`,
    {
      modal: true,
      detail: 'Its message, author, files, symbols, diff summary and score are erased from Co-evolve\'s memory, and mining again keeps it forgotten. The commit stays in git. To keep it but stop using it, quarantine it instead.',
    },
    label,
  );
  return choice === label;
}
