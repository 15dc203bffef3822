import { languageForPath } from '../code/languages.ts';
import { categorizePath, isNoiseCategory } from './fileCategory.ts';
import type { RawChange } from './rawCommit.ts';

/** Whether a changed file is mapped to symbols (and so whether the log parser keeps its hunks). */
export function wantsSymbols(change: RawChange): boolean {
  if (change.binary || change.submodule || change.status === 'typechange') return false;
  if (languageForPath(change.path) === undefined) return false;
  return !isNoiseCategory(categorizePath(change.path));
}
