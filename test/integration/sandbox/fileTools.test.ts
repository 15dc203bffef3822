import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { openSandbox } from '../../../src/core/sandbox/openSandbox.ts';
import type { Sandbox } from '../../../src/core/sandbox/sandbox.ts';
import { createFileTool } from '../../../src/core/sandbox/tools/createFileTool.ts';
import { deleteFileTool } from '../../../src/core/sandbox/tools/deleteFileTool.ts';
import { editFileTool } from '../../../src/core/sandbox/tools/editFileTool.ts';
import { listFilesTool } from '../../../src/core/sandbox/tools/listFilesTool.ts';
import { readFileTool } from '../../../src/core/sandbox/tools/readFileTool.ts';
import { runTool, toolDefinition } from '../../../src/core/sandbox/tools/sandboxTool.ts';
import type { SandboxTool } from '../../../src/core/sandbox/tools/sandboxTool.ts';
import { SANDBOX_TOOLS, findSandboxTool } from '../../../src/core/sandbox/tools/sandboxTools.ts';
import { searchTool } from '../../../src/core/sandbox/tools/searchTool.ts';
import { GitRepo, tempDir } from '../../helpers/gitRepo.ts';

const APP = `import { helper } from './lib/helper.ts';

export function main(args: string[]): number {
  if (args.length === 0) {
    return 1;
  }
  return helper(args);
}
`;

let repo: GitRepo;
let outside: string;
let baseDir: string;
let sandbox: Sandbox;

before(async () => {
  repo = GitRepo.create('coevolve-tools-user-');
  outside = tempDir('coevolve-tools-outside-');
  baseDir = tempDir('coevolve-tools-base-');
  writeFileSync(join(outside, 'secret.txt'), 'outside the project\n');
  repo.write('bin/run.sh', '#!/bin/sh\necho run\n');
  chmodSync(join(repo.dir, 'bin/run.sh'), 0o755);
  mkdirSync(join(repo.dir, 'links'));
  symlinkSync(outside, join(repo.dir, 'links/out'));
  symlinkSync('../src', join(repo.dir, 'links/src'));
  symlinkSync(join(outside, 'secret.txt'), join(repo.dir, 'links/secret.txt'));
  repo.commit('start', {
    '.gitignore': 'node_modules/\ndist/\n',
    'src/app.ts': APP,
    'src/lib/helper.ts': 'export function helper(args: string[]): number {\n  return args.length;\n}\n',
    'src/win.txt': 'first\r\nsecond\r\nthird\r\n',
    'src/latin.txt': Buffer.from('caf\xe9 au lait\nna\xefve\n', 'latin1'),
    'src/bom.txt': '\ufeffwith bom\nline two\n',
    'src/nofinal.txt': 'one\ntwo',
    'img.bin': Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 13, 1, 2, 3]),
    'long.txt': Array.from({ length: 1200 }, (_, i) => `line ${i + 1}`).join('\n') + '\n',
    'docs/guide.md': 'Use main() to start.\nmain is the entry point.\n',
  });
  repo.write('dist/out.js', 'console.log("main")\n');
  repo.write('node_modules/dep/index.d.ts', 'export declare function main(): void;\n');
  sandbox = await openSandbox({ root: repo.dir, baseDir });
});

after(async () => {
  await sandbox.dispose();
  repo.remove();
  rmSync(outside, { recursive: true, force: true });
  rmSync(baseDir, { recursive: true, force: true });
});

async function call(tool: SandboxTool, args: unknown): Promise<string> {
  const run = await runTool(tool, sandbox, args);
  assert.ok(run.ok, `expected ${tool.name} to succeed: ${run.output}`);
  return run.output;
}

async function refused(tool: SandboxTool, args: unknown, pattern: RegExp): Promise<void> {
  const run = await runTool(tool, sandbox, args);
  assert.equal(run.ok, false, `expected ${tool.name} to refuse ${JSON.stringify(args)}, got: ${run.output}`);
  assert.match(run.output, /^Error: /);
  assert.match(run.output, pattern);
}

function inSandbox(path: string): string {
  return join(sandbox.root, path);
}

describe('path confinement (every tool)', () => {
  const writers: Array<[SandboxTool, (path: string) => unknown]> = [
    [editFileTool, (path) => ({ path, edits: [{ search: 'a', replace: 'b' }] })],
    [createFileTool, (path) => ({ path, content: 'x', overwrite: true })],
    [deleteFileTool, (path) => ({ path })],
  ];

  it('refuses escapes with .., absolute paths, .git and symlinks that lead out', async () => {
    for (const [tool, args] of [[readFileTool, (path: string) => ({ path })] as const, ...writers]) {
      await refused(tool, args('../outside.txt'), /points outside the project/);
      await refused(tool, args('src/../../x'), /points outside the project/);
      await refused(tool, args('/etc/hosts'), /absolute/);
      await refused(tool, args('.git/config'), /\.git/);
      await refused(tool, args('src/.GIT/x'), /\.git/);
      await refused(tool, args('links/out/secret.txt'), /symbolic link .* outside/);
      await refused(tool, args('links/secret.txt'), /symbolic link .* outside/);
    }
    assert.equal(readFileSync(join(outside, 'secret.txt'), 'utf8'), 'outside the project\n');
  });

  it('suggests the relative path for an absolute one inside the project', async () => {
    await refused(readFileTool, { path: inSandbox('src/app.ts') }, /relative to the project root: src\/app\.ts/);
  });

  it('reads the linked dependencies but never writes into them', async () => {
    assert.match(await call(readFileTool, { path: 'node_modules/dep/index.d.ts' }), /export declare function main/);
    for (const [tool, args] of writers) await refused(tool, args('node_modules/dep/index.d.ts'), /read-only/);
    await refused(createFileTool, { path: 'node_modules/dep/new.js', content: 'x' }, /read-only/);
    assert.equal(existsSync(join(repo.dir, 'node_modules/dep/new.js')), false);
  });

  it('follows a symlink that stays inside the project', async () => {
    assert.match(await call(readFileTool, { path: 'links/src/lib/helper.ts' }), /return args\.length/);
  });
});

describe('read_file', () => {
  it('shows numbered lines with a header', async () => {
    const out = await call(readFileTool, { path: 'src/app.ts' });
    assert.equal(out.split('\n')[0], 'src/app.ts (8 lines):');
    assert.equal(out.split('\n')[3], '   3\texport function main(args: string[]): number {');
  });

  it('shows a range, and pages a long file', async () => {
    assert.equal(await call(readFileTool, { path: 'src/app.ts', startLine: 4, endLine: 5 }), 'src/app.ts, lines 4-5 of 8:\n   4\t  if (args.length === 0) {\n   5\t    return 1;');
    const long = await call(readFileTool, { path: 'long.txt' });
    assert.match(long, /^long\.txt, lines 1-800 of 1200:/);
    assert.match(long, /\[400 more lines; read on with startLine=801\]$/);
    assert.match(await call(readFileTool, { path: 'long.txt', startLine: 5000 }), /has only 1200 lines/);
  });

  it('strips CRLF for display and keeps Latin-1 text readable', async () => {
    assert.doesNotMatch(await call(readFileTool, { path: 'src/win.txt' }), /\r/);
    assert.match(await call(readFileTool, { path: 'src/latin.txt' }), /café au lait/);
  });

  it('refuses binary files, folders and missing files', async () => {
    await refused(readFileTool, { path: 'img.bin' }, /binary/);
    await refused(readFileTool, { path: 'src' }, /folder/);
    await refused(readFileTool, { path: 'src/nope.ts' }, /does not exist/);
    await refused(readFileTool, {}, /invalid arguments for read_file/);
  });
});

describe('list_files', () => {
  it('lists the project as git sees it: no ignored output, no dependencies', async () => {
    const out = await call(listFilesTool, {});
    const files = out.split('\n').slice(0, -1);
    assert.ok(files.includes('src/app.ts'));
    assert.ok(files.includes('.gitignore'));
    assert.ok(!files.some((f) => f.startsWith('dist/') || f.startsWith('node_modules')), out);
    assert.match(out.split('\n').at(-1)!, /^\[\d+ files\]$/);
  });

  it('filters by folder or glob, caps the count, and sees the agent\'s own changes', async () => {
    assert.equal(await call(listFilesTool, { path: 'src/lib' }), 'src/lib/helper.ts\n[1 files matching "src/lib"]');
    assert.match(await call(listFilesTool, { path: '*.md' }), /^docs\/guide\.md\n/);
    assert.match(await call(listFilesTool, { path: 'src', maxResults: 2 }), /\[2 of \d+ files matching "src" shown; narrow the path/);
    writeFileSync(inSandbox('src/added.ts'), 'x\n');
    rmSync(inSandbox('docs/guide.md'));
    try {
      const out = await call(listFilesTool, {});
      assert.match(out, /src\/added\.ts/);
      assert.doesNotMatch(out, /guide\.md/);
    } finally {
      rmSync(inSandbox('src/added.ts'));
      repo.git('-C', sandbox.root, 'checkout', '--', 'docs/guide.md');
    }
    assert.equal(await call(listFilesTool, { path: 'nothing/here' }), 'No files matching "nothing/here".');
  });
});

describe('search', () => {
  it('finds literal text as path:line: text, skipping ignored, dependency and binary files', async () => {
    const out = await call(searchTool, { pattern: 'main' });
    assert.deepEqual(out.split('\n'), [
      'docs/guide.md:1: Use main() to start.',
      'docs/guide.md:2: main is the entry point.',
      'src/app.ts:3: export function main(args: string[]): number {',
    ]);
  });

  it('takes a regex, case-insensitively, within a path', async () => {
    assert.equal(await call(searchTool, { pattern: '^\\s+return \\d', regex: true, path: 'src' }), 'src/app.ts:5: return 1;');
    assert.equal(await call(searchTool, { pattern: 'USE MAIN', ignoreCase: true }), 'docs/guide.md:1: Use main() to start.');
    await refused(searchTool, { pattern: '(', regex: true }, /Invalid regular expression/);
  });

  it('caps the results and says when nothing matched', async () => {
    const out = await call(searchTool, { pattern: 'line', path: 'long.txt', maxResults: 3 });
    assert.deepEqual(out.split('\n'), ['long.txt:1: line 1', 'long.txt:2: line 2', 'long.txt:3: line 3', '[stopped at 3 matches; narrow the pattern or the path]']);
    assert.match(await call(searchTool, { pattern: 'no such text anywhere' }), /^No matches for "no such text anywhere" in \d+ files\.\n\[1 binary or large files skipped\]$/);
  });

  it('never reads through a tracked symlink', async () => {
    assert.match(await call(searchTool, { pattern: 'outside the project' }), /^No matches/);
  });
});

describe('edit_file', () => {
  it('applies an exact edit and reports it', async () => {
    const out = await call(editFileTool, { path: 'src/lib/helper.ts', edits: [{ search: '  return args.length;\n', replace: '  return args.length * 2;\n' }] });
    assert.equal(out, 'Edited src/lib/helper.ts: 1 edit applied; the file now has 3 lines.');
    assert.equal(readFileSync(inSandbox('src/lib/helper.ts'), 'utf8'), 'export function helper(args: string[]): number {\n  return args.length * 2;\n}\n');
  });

  it('matches ignoring indentation and re-indents', async () => {
    const out = await call(editFileTool, {
      path: 'src/app.ts',
      edits: [{ search: 'if (args.length === 0) {\n  return 1;\n}', replace: 'if (args.length === 0) {\n  console.warn("no args");\n  return 1;\n}' }],
    });
    assert.match(out, /edit 1 matched ignoring indentation \(re-indented to fit\)/);
    assert.match(readFileSync(inSandbox('src/app.ts'), 'utf8'), /\n {2}if \(args\.length === 0\) \{\n {4}console\.warn\("no args"\);\n {4}return 1;\n {2}\}\n/);
  });

  it('refuses an ambiguous search and a missing one, leaving the file untouched', async () => {
    const before = readFileSync(inSandbox('docs/guide.md'));
    await refused(editFileTool, { path: 'docs/guide.md', edits: [{ search: 'main', replace: 'start' }] }, /matches 2 places, starting at lines 1, 2/);
    await refused(editFileTool, { path: 'docs/guide.md', edits: [{ search: 'Use main() to begin.', replace: 'x' }] }, /not found[\s\S]*closest part is lines 1-1[\s\S]*1\tUse main\(\) to start\./);
    assert.deepEqual(readFileSync(inSandbox('docs/guide.md')), before);
  });

  it('applies all blocks of a call or none', async () => {
    const before = readFileSync(inSandbox('docs/guide.md'));
    await refused(
      editFileTool,
      { path: 'docs/guide.md', edits: [{ search: 'Use main() to start.', replace: 'Call main().' }, { search: 'no such line', replace: 'x' }] },
      /Edit 2 of 2[\s\S]*None of the edits were applied/,
    );
    assert.deepEqual(readFileSync(inSandbox('docs/guide.md')), before);
  });

  it('keeps CRLF line endings, Latin-1 bytes, a BOM, a missing final newline and the mode', async () => {
    await call(editFileTool, { path: 'src/win.txt', edits: [{ search: 'second\n', replace: 'second\nsecond and a half\n' }] });
    assert.equal(readFileSync(inSandbox('src/win.txt'), 'utf8'), 'first\r\nsecond\r\nsecond and a half\r\nthird\r\n');

    await call(editFileTool, { path: 'src/latin.txt', edits: [{ search: 'naïve', replace: 'naïve et café' }] });
    assert.deepEqual(readFileSync(inSandbox('src/latin.txt')), Buffer.from('caf\xe9 au lait\nna\xefve et caf\xe9\n', 'latin1'));

    await call(editFileTool, { path: 'src/bom.txt', edits: [{ search: 'line two', replace: 'line 2' }] });
    assert.equal(readFileSync(inSandbox('src/bom.txt'), 'utf8'), '\ufeffwith bom\nline 2\n');

    await call(editFileTool, { path: 'src/nofinal.txt', edits: [{ search: 'two\n', replace: 'TWO\n' }] });
    assert.equal(readFileSync(inSandbox('src/nofinal.txt'), 'utf8'), 'one\nTWO');

    await call(editFileTool, { path: 'bin/run.sh', edits: [{ search: 'echo run', replace: 'echo running' }] });
    assert.equal(statSync(inSandbox('bin/run.sh')).mode & 0o777, 0o755);
    assert.equal(readFileSync(inSandbox('bin/run.sh'), 'utf8'), '#!/bin/sh\necho running\n');
  });

  it('refuses binary files', async () => {
    await refused(editFileTool, { path: 'img.bin', edits: [{ search: 'PNG', replace: 'GIF' }] }, /binary/);
  });
});

describe('create_file and delete_file', () => {
  it('creates a file in new folders, refuses to overwrite unless asked, and keeps CRLF on overwrite', async () => {
    assert.equal(await call(createFileTool, { path: 'src/new/deep/file.ts', content: 'export {};\n' }), 'Created src/new/deep/file.ts (1 lines).');
    assert.equal(readFileSync(inSandbox('src/new/deep/file.ts'), 'utf8'), 'export {};\n');
    await refused(createFileTool, { path: 'src/new/deep/file.ts', content: 'x' }, /already exists/);
    await refused(createFileTool, { path: 'src/new', content: 'x', overwrite: true }, /is a folder/);

    writeFileSync(inSandbox('src/crlf.txt'), 'a\r\nb\r\n');
    assert.equal(await call(createFileTool, { path: 'src/crlf.txt', content: 'x\ny\nz\n', overwrite: true }), 'Replaced src/crlf.txt (3 lines).');
    assert.equal(readFileSync(inSandbox('src/crlf.txt'), 'utf8'), 'x\r\ny\r\nz\r\n');
  });

  it('deletes a file, and refuses folders and missing files', async () => {
    writeFileSync(inSandbox('src/doomed.ts'), 'x\n');
    assert.equal(await call(deleteFileTool, { path: 'src/doomed.ts' }), 'Deleted src/doomed.ts.');
    assert.equal(existsSync(inSandbox('src/doomed.ts')), false);
    await refused(deleteFileTool, { path: 'src/doomed.ts' }, /does not exist/);
    await refused(deleteFileTool, { path: 'src' }, /is a folder/);
  });

  it('leaves no temp files behind and touches nothing of the user', async () => {
    const leftovers = repo.git('-C', sandbox.root, 'status', '--porcelain', '--ignored', '--untracked-files=all');
    assert.doesNotMatch(leftovers, /coevolve-.*\.tmp/);
    assert.equal(repo.git('status', '--porcelain'), '');
  });
});

describe('tool definitions', () => {
  it('describes every tool as an OpenAI function with a JSON schema', () => {
    const names = SANDBOX_TOOLS.map((tool) => tool.name);
    assert.deepEqual(names, ['read_file', 'list_files', 'search', 'edit_file', 'create_file', 'delete_file']);
    const edit = toolDefinition(findSandboxTool('edit_file')!);
    assert.equal(edit.type, 'function');
    const parameters = edit.function.parameters as { type: string; required: string[]; properties: Record<string, { type: string }> };
    assert.equal(parameters.type, 'object');
    assert.deepEqual(parameters.required, ['path', 'edits']);
    assert.equal(parameters.properties.edits!.type, 'array');
    const read = toolDefinition(readFileTool as SandboxTool).function.parameters as { required: string[] };
    assert.deepEqual(read.required, ['path']);
  });
});
