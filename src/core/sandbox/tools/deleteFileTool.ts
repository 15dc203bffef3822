import { unlink } from 'node:fs/promises';
import { z } from 'zod';
import { CoevolveError } from '../../errors.ts';
import { confinePath } from './confinePath.ts';
import type { SandboxTool } from './sandboxTool.ts';
import { resolveRoot } from './toolRoot.ts';
import { lstatIfPresent } from '../../util/fsProbe.ts';

const schema = z.object({
  path: z.string().describe('File to delete, relative to the project root.'),
});

export type DeleteFileArgs = z.infer<typeof schema>;

export const deleteFileTool: SandboxTool<DeleteFileArgs> = {
  name: 'delete_file',
  description: 'Delete one file of the project (not a folder).',
  schema,
  writes: true,
  async execute(root, args) {
    const resolved = await resolveRoot(root);
    const target = await confinePath(resolved, args.path, 'write');
    const info = await lstatIfPresent(target.path);
    if (!info) throw new CoevolveError('bad-input', `${target.rel} does not exist.`);
    if (info.isDirectory()) throw new CoevolveError('bad-input', `${target.rel} is a folder; delete the files in it one by one.`);
    // The path as named: deleting a symlink removes the link, not what it points to.
    await unlink(target.path);
    return `Deleted ${target.rel}.`;
  },
};
