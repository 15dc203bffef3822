import assert from 'node:assert/strict';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { answerReserve, cutToRoom, ELIDED_OUTPUT, MIN_OUTPUT_TOKENS, roomForOutput } from '../../../src/core/agents/contextFit.ts';
import type { OutputRoom } from '../../../src/core/agents/contextFit.ts';
import { taskFocus } from '../../../src/core/agents/taskFocus.ts';
import type { TaskFocus } from '../../../src/core/agents/taskFocus.ts';
import { limitsFor, pagedReadFileTool } from '../../../src/core/agents/tools/pagedReadFile.ts';
import { viewSymbolToolWithin } from '../../../src/core/agents/tools/viewSymbolTool.ts';
import type { ChatMessage } from '../../../src/core/llm/chatClient.ts';
import { estimateTokens } from '../../../src/core/llm/tokenEstimate.ts';
import { runTool } from '../../../src/core/sandbox/tools/sandboxTool.ts';
import { tempDir } from '../../helpers/gitRepo.ts';

// read_file and view_symbol size their answers to the room the model's context window has left, and
// a long file's first page starts at what the task names (real files in a temporary folder).

const root = tempDir('coevolve-paged-read-');
after(() => rmSync(root, { recursive: true, force: true }));
mkdirSync(join(root, 'src'));
/** 1,050 lines: 349 small functions, then parseHeader (lines 1,048-1,050). */
const BIG = `${Array.from({ length: 349 }, (_, i) => `export function step${i}(x) {\n  return x + ${i}; // one step of the pipeline\n}\n`).join('')}export function parseHeader(text) {\n  return text.split(':');\n}\n`;
writeFileSync(join(root, 'src/big.js'), BIG);
writeFileSync(join(root, 'src/small.js'), 'export const values = [];\nexport function parseHeader(text) {\n  return text;\n}\n');
const LINES = BIG.split('\n').length - 1;

function conversation(outputs: string[]): ChatMessage[] {
  const messages: ChatMessage[] = [{ role: 'system', content: 'system prompt '.repeat(50) }, { role: 'user', content: 'the brief '.repeat(100) }];
  outputs.forEach((output, i) => {
    messages.push({ role: 'assistant', content: null, tool_calls: [{ id: `c${i}`, type: 'function', function: { name: 'read_file', arguments: '{}' } }] });
    messages.push({ role: 'tool', tool_call_id: `c${i}`, content: output });
  });
  return messages;
}

const fixed = (room: OutputRoom | undefined) => () => room;
const noFocus: TaskFocus = { planned: [], words: [] };

async function read(args: Record<string, unknown>, room: OutputRoom | undefined, focus = noFocus): Promise<string> {
  const run = await runTool(pagedReadFileTool({ room: fixed(room), focus }), root, args);
  assert.ok(run.ok, run.output);
  return run.output;
}

describe('the room a tool output has in the window', () => {
  it('gives a page half of what the window holds besides the prompt, so two pages in a row fit', () => {
    const window = 8_192;
    const messages = conversation([]);
    const room = roomForOutput(messages, [], window);
    assert.ok(room.page < room.most, `${room.page} < ${room.most}`);
    // Two pages and the prompt fit what is left after the answer's reserve.
    const twoPages = conversation(['x'.repeat(room.page * 3), 'y'.repeat(room.page * 3)]);
    assert.ok(estimateTokens(twoPages) <= window - answerReserve(window), `${estimateTokens(twoPages)} tokens`);
  });

  it('counts older outputs as elided, never the newest ones, and never offers less than a minimum', () => {
    const window = 8_192;
    const page = 'z'.repeat(15_000); // about 5,000 estimated tokens
    // The newest output is among the messages never elided: the room shrinks by it...
    const one = roomForOutput([...conversation([page]), { role: 'assistant', content: 'next' }], [], window);
    assert.equal(one.most, MIN_OUTPUT_TOKENS, 'little room is left, but never none');
    // ...while an output old enough to be elided does not count.
    const elidable = conversation([page, 'small']);
    elidable.push({ role: 'assistant', content: 'next' });
    const withElided = elidable.map((m, i) => (i === 3 ? { ...m, content: ELIDED_OUTPUT } : m)) as ChatMessage[];
    assert.equal(roomForOutput(elidable, [], window).most, roomForOutput(withElided, [], window).most);
  });

  it('cuts any other output (a long search) at a line to the room, and says so', () => {
    const search = Array.from({ length: 400 }, (_, i) => `src/file${i}.js:${i + 1}: const match = find(${i});`).join('\n');
    const cut = cutToRoom(search, 500);
    assert.ok(cut.length < search.length && cut.length <= 500 * 3 + 200, `${cut.length} characters`);
    assert.match(cut, /\nsrc\/file\d+\.js:\d+: const match = find\(\d+\);\n\[Output cut to fit the model's context window: \d+ more lines not shown\. Ask for less/);
    const shown = cut.split('\n').length - 1;
    assert.match(cut, new RegExp(`: ${400 - shown} more lines`), 'the count of lines left out is right');
    assert.equal(cutToRoom('short', 500), 'short', 'what fits is left alone');
  });

  it('lets a large window keep read_file\'s own limits', () => {
    const room = roomForOutput(conversation([]), [], 128_000);
    assert.deepEqual(limitsFor(room.page), { maxLines: 800, maxChars: 60_000 });
  });
});

describe('read_file paged by the window', () => {
  const small = roomForOutput(conversation([]), [], 8_192);

  it('shows a 1,050-line file a window-sized page at a time, and says where to read on', async () => {
    assert.equal(LINES, 1_050);
    const first = await read({ path: 'src/big.js' }, small);
    const shown = Number(/src\/big\.js, lines 1-(\d+) of 1050:/.exec(first)?.[1]);
    assert.ok(shown > 30 && shown < 800, `a page of ${shown} lines, not 800`);
    assert.match(first, new RegExp(`read on with startLine=${shown + 1}\\]$`));
    assert.ok(estimateTokens([{ role: 'tool', tool_call_id: 'c', content: first }]) <= small.page + 20, 'the page keeps to its room');
    const second = await read({ path: 'src/big.js', startLine: shown + 1 }, small);
    assert.match(second, new RegExp(`lines ${shown + 1}-\\d+ of 1050`));
  });

  it('reads as before where no window is known: 800 lines', async () => {
    assert.match(await read({ path: 'src/big.js' }, undefined), /lines 1-800 of 1050/);
  });

  it('shows a range asked for whole where it fits now, and cuts it to the room where it does not', async () => {
    assert.match(await read({ path: 'src/big.js', startLine: 1, endLine: 20 }, small), /lines 1-20 of 1050:[\s\S]* {2}20\t/);
    const cut = await read({ path: 'src/big.js', startLine: 1, endLine: 1_000 }, small);
    const last = Number(/lines 1-(\d+) of 1050/.exec(cut)![1]);
    assert.ok(last < 1_000 && last > Number(/lines 1-(\d+)/.exec(await read({ path: 'src/big.js' }, small))![1]), 'a range gets all the room there is, a page only its share');
  });

  it('starts a long file at the symbol the task names, and says where the rest is', async () => {
    const page = await read({ path: 'src/big.js' }, small, taskFocus('parseHeader should accept an empty input', []));
    assert.match(page, /^\[src\/big\.js has 1050 lines, more than one page: this page starts at function parseHeader \(lines 1048-1050\), which the task names\. Lines 1-1045 come with startLine=1\.\]/);
    assert.match(page, /1048\texport function parseHeader\(text\) \{/);
    // The plan's symbols come before the task's words.
    const planned = await read({ path: 'src/big.js' }, small, taskFocus('parseHeader should accept an empty input', [{ description: 'd', files: [], symbols: ['step500', 'step7'] }]));
    assert.match(planned, /starts at function step7 \(lines 22-24\)[^\]]*Also named by the task here: function parseHeader \(lines 1048-1050\)/);
  });

  it('shows a file that fits whole, from the top, whatever the task names', async () => {
    const page = await read({ path: 'src/small.js' }, small, taskFocus('parseHeader values', []));
    assert.match(page, /^src\/small\.js \(4 lines\):/);
  });

  it('does not start at a variable that merely shares a word of the task', async () => {
    writeFileSync(join(root, 'src/vars.js'), `${'// filler line for the page\n'.repeat(900)}export const values = [];\n`);
    const page = await read({ path: 'src/vars.js' }, small, taskFocus('sum the values', []));
    assert.match(page, /^src\/vars\.js, lines 1-\d+ of 901:/);
  });

  it('reports a missing file as before', async () => {
    const run = await runTool(pagedReadFileTool({ room: fixed(small), focus: taskFocus('parseHeader', []) }), root, { path: 'src/none.js' });
    assert.equal(run.ok, false);
    assert.match(run.output, /src\/none\.js does not exist/);
  });
});

describe('view_symbol within the window', () => {
  it('cuts a long declaration to the room, and says where to read on', async () => {
    const body = Array.from({ length: 300 }, (_, i) => `  const value${i} = compute(${i}); // a long body line of the function`).join('\n');
    writeFileSync(join(root, 'src/long.js'), `export function long() {\n${body}\n}\n`);
    const tight = await runTool(viewSymbolToolWithin(fixed({ page: 400, most: 400 })), root, { path: 'src/long.js', symbol: 'long' });
    assert.ok(tight.ok, tight.output);
    const cut = /\[(\d+) more lines; use read_file with startLine=(\d+)\]$/.exec(tight.output);
    assert.ok(cut, tight.output.slice(-200));
    assert.ok(tight.output.length <= limitsFor(400).maxChars + 200, `${tight.output.length} characters`);
    const roomy = await runTool(viewSymbolToolWithin(fixed(undefined)), root, { path: 'src/long.js', symbol: 'long' });
    assert.ok(roomy.ok && !roomy.output.includes('more lines'), 'without a window, the whole (under 400 lines) declaration');
  });
});
