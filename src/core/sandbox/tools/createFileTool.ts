import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { z } from 'zod';
import { CoevolveError } from '../../errors.ts';
import { atomicWriteFile, SANDBOX_WRITE } from '../../util/atomicWrite.ts';
import { confinePath } from './confinePath.ts';
import type { SandboxTool } from './sandboxTool.ts';
import { encodeText, looksBinary, readTextFile, toLf } from './textFile.ts';
import { resolveRoot } from './toolRoot.ts';
import { lstatIfPresent } from '../../util/fsProbe.ts';
import { ignoreError } from '../../ignoredErrors.ts';

const schema = z.object({
  path: z.string().describe('New file, relative to the project root. Missing folders are created.'),
  content: z.string().describe('The whole content of the file.'),
  overwrite: z.boolean().optional().describe('Replace the file if it exists (default false). Prefer edit_file for changes to an existing file.'),
});

export type CreateFileArgs = z.infer<typeof schema>;

export const createFileTool: SandboxTool<CreateFileArgs> = {
  name: 'create_file',
  description: 'Create a new file with the given content. Refuses to replace an existing file unless overwrite is true.',
  schema,
  writes: true,
  async execute(root, args) {
    const resolved = await resolveRoot(root);
    const target = await confinePath(resolved, args.path, 'write');
    const existing = await lstatIfPresent(target.real);
    if (existing?.isDirectory()) throw new CoevolveError('bad-input', `${target.rel} is a folder.`);
    if (existing && !args.overwrite) {
      throw new CoevolveError('edit-rejected', `${target.rel} already exists. Use edit_file to change it, or pass overwrite: true to replace it whole.`);
    }
    const content = toLf(args.content);
    if (existing) {
      // A replaced text file keeps its line endings, byte order mark, encoding and permissions.
      const bytes = looksBinary(Buffer.from(content)) ? null : await readTextFile(target.real, target.rel).catch(ignoreError('could not read the encoding of the file being replaced; it is written as UTF-8'));
      await atomicWriteFile(target.real, bytes ? encodeText(bytes, content) : args.content, { mode: existing.mode, durable: SANDBOX_WRITE.durable });
      return `Replaced ${target.rel} (${lineCount(content)} lines).`;
    }
    await mkdir(dirname(target.real), { recursive: true });
    await atomicWriteFile(target.real, args.content, SANDBOX_WRITE);
    return `Created ${target.rel} (${lineCount(content)} lines).`;
  },
};

function lineCount(text: string): number {
  if (text === '') return 0;
  return text.split('\n').length - (text.endsWith('\n') ? 1 : 0);
}
