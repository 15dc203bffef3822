import { CoevolveError } from '../../core/errors.ts';

/** A VS Code language model as models.json names it: "vendor/family/id" (the id may hold slashes). */
export interface LmSelector {
  vendor: string;
  family: string;
  id: string;
}

export function formatSelector(model: { vendor: string; family: string; id: string }): string {
  return `${model.vendor}/${model.family}/${model.id}`;
}

export function parseSelector(text: string): LmSelector {
  const first = text.indexOf('/');
  const second = first < 0 ? -1 : text.indexOf('/', first + 1);
  const selector = second < 0 ? undefined : { vendor: text.slice(0, first), family: text.slice(first + 1, second), id: text.slice(second + 1) };
  if (!selector?.vendor || !selector.family || !selector.id) {
    throw new CoevolveError('bad-input', `"${text}" does not name a VS Code language model; models.json gives a vscode-lm model as "vendor/family/id".`, {
      hint: 'Run "Co-evolve: Configure Model Provider" and pick "VS Code language models" to choose one from a list.',
    });
  }
  return selector;
}
