import { resolve } from 'node:path';
import * as vscode from 'vscode';
import { DEFAULT_STORE_FOLDER } from '../core/storeFolder.ts';

/**
 * Where a folder's store is, from `coevolve.storePath` (relative to the folder, or absolute),
 * without loading the core: for the light parts that run at activation.
 */
export function storeDirIn(folder: string): string {
  return resolve(folder, vscode.workspace.getConfiguration('coevolve').get<string>('storePath') || DEFAULT_STORE_FOLDER);
}
