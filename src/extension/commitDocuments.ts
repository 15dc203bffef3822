import * as vscode from 'vscode';
import { gitAt, runGit } from '../core/git/gitRunner.ts';
import { CoevolveError } from '../core/errors.ts';

const COMMIT_SCHEME = 'coevolve-commit';

/** A huge commit would make a huge editor; the head tells the story, git has the rest. */
const MAX_COMMIT_TEXT = 2_000_000;
const SHA = /^[0-9a-f]{7,64}$/;

/**
 * Past commits as read-only documents (`git show`: message, stat, patch), so that opening one from
 * the memory browser leaves no untitled editor to save or discard. The URI carries the repository
 * and the sha; the content is read from git each time VS Code asks.
 */
export class CommitDocuments implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly registration = vscode.workspace.registerTextDocumentContentProvider(COMMIT_SCHEME, this);

  static uriFor(root: string, sha: string, subject?: string): vscode.Uri {
    // The title VS Code shows is the path's last segment: the short sha and the subject.
    const title = `${sha.slice(0, 10)}${subject ? ` ${subject.replace(/[\\/\n\r]+/g, ' ').slice(0, 60)}` : ''}.diff`;
    return vscode.Uri.from({ scheme: COMMIT_SCHEME, path: `/${title}`, query: new URLSearchParams({ root, sha }).toString() });
  }

  async provideTextDocumentContent(uri: vscode.Uri, token: vscode.CancellationToken): Promise<string> {
    const params = new URLSearchParams(uri.query);
    const root = params.get('root');
    const sha = params.get('sha') ?? '';
    if (!root || !SHA.test(sha)) throw new CoevolveError('bad-input', `Not a commit document: ${uri.toString()}`);
    const controller = new AbortController();
    const cancel = token.onCancellationRequested(() => controller.abort());
    try {
      const text = await runGit(gitAt(root, controller.signal), ['show', '--stat', '--patch', '--format=fuller', '--no-color', '--no-ext-diff', '--no-textconv', sha, '--'], controller.signal);
      return text.length > MAX_COMMIT_TEXT ? `${text.slice(0, MAX_COMMIT_TEXT)}\n… [${text.length - MAX_COMMIT_TEXT} more characters; run git show ${sha}]\n` : text;
    } finally {
      cancel.dispose();
    }
  }

  /** Opens a commit beside the active editor, as a diff-highlighted preview titled with its subject. */
  async show(root: string, sha: string): Promise<void> {
    if (!SHA.test(sha)) throw new CoevolveError('bad-input', `Not a commit sha: ${sha}`);
    const subject = (await runGit(gitAt(root), ['log', '-1', '--no-show-signature', '--format=%s', sha, '--'])).trim();
    const document = await vscode.workspace.openTextDocument(CommitDocuments.uriFor(root, sha, subject));
    await vscode.languages.setTextDocumentLanguage(document, 'diff');
    await vscode.window.showTextDocument(document, { preview: true, viewColumn: vscode.ViewColumn.Beside });
  }

  dispose(): void {
    this.registration.dispose();
  }
}
