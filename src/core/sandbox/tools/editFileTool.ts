import { z } from 'zod';
import { CoevolveError } from '../../errors.ts';
import { atomicWriteFile, SANDBOX_WRITE } from '../../util/atomicWrite.ts';
import { confinePath } from './confinePath.ts';
import { applyEdits } from './editMatcher.ts';
import type { MatchKind } from './editMatcher.ts';
import type { SandboxTool } from './sandboxTool.ts';
import { encodeText, readTextFile, toLf } from './textFile.ts';
import { resolveRoot } from './toolRoot.ts';

const schema = z.object({
  path: z.string().describe('File to edit, relative to the project root.'),
  edits: z
    .array(
      z.object({
        search: z.string().describe('Lines copied exactly from the file (without read_file line numbers); must match one place only.'),
        replace: z.string().describe('What those lines become. Empty to delete them.'),
      }),
    )
    .min(1)
    .describe('Search/replace blocks, applied in order. If any block fails, none is applied.'),
});

export type EditFileArgs = z.infer<typeof schema>;

export const editFileTool: SandboxTool<EditFileArgs> = {
  name: 'edit_file',
  description:
    'Edit a file with search/replace blocks. Each search must be copied from the current file and match exactly one place; ' +
    'include a few unchanged lines around the change to make it unique. Keep blocks small. ' +
    'Whitespace differences at line ends and in indentation are tolerated when the match is still unique. ' +
    'The file keeps its line endings and final newline.',
  schema,
  writes: true,
  async execute(root, args) {
    const resolved = await resolveRoot(root);
    const target = await confinePath(resolved, args.path, 'write');
    const file = await readTextFile(target.real, target.rel);
    const outcome = applyEdits(
      file.text,
      args.edits.map((edit) => ({ search: toLf(edit.search), replace: toLf(edit.replace) })),
    );
    if (!outcome.ok) throw new CoevolveError('edit-rejected', `${target.rel}: ${outcome.error}`);
    if (outcome.text === file.text) return `No change: the replacements leave ${target.rel} as it was.`;
    await atomicWriteFile(target.real, encodeText(file, outcome.text), { mode: file.mode, durable: SANDBOX_WRITE.durable });
    return `Edited ${target.rel}: ${summary(outcome.matches)}; the file now has ${lineCount(outcome.text)} lines.`;
  },
};

function summary(matches: MatchKind[]): string {
  const applied = `${matches.length} edit${matches.length === 1 ? '' : 's'} applied`;
  const loose = matches.flatMap((kind, i) => (kind === 'exact' ? [] : [`edit ${i + 1} matched ${kind === 'indentation' ? 'ignoring indentation (re-indented to fit)' : 'ignoring trailing spaces'}`]));
  return loose.length ? `${applied} (${loose.join('; ')})` : applied;
}

function lineCount(text: string): number {
  if (text === '') return 0;
  return text.split('\n').length - (text.endsWith('\n') ? 1 : 0);
}
