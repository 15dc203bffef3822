import assert from 'node:assert/strict';
import { after, it } from 'node:test';
import type { RecalledSymbol } from '../../../src/core/memory/recall.ts';
import { checkSymbols } from '../../../src/core/memory/symbolResolution.ts';
import { TreeSymbols } from '../../../src/core/memory/treeSymbols.ts';
import { GitRepo } from '../../helpers/gitRepo.ts';

// A symbol gone from where history put it is looked for in the files history says held one of its
// name (its homes), beside the files recall ranks: here none are ranked, so only the homes can find it.

const repo = GitRepo.create('coevolve-symbol-homes-');
after(() => repo.remove());
repo.commit('feat: helpers', { 'src/a.js': 'function parseDate(text) {\n  return text;\n}\nfunction formatDate(date) {\n  return date;\n}\n' });
repo.commit('refactor: move the date helpers', { 'src/a.js': 'module.exports = {};\n', 'src/dates/parse.js': 'function parseDate(text) {\n  return text.trim();\n}\n', 'src/dates/format.js': 'function formatDate(date) {\n  return String(date);\n}\n' });

const symbol = (name: string): RecalledSymbol => ({ path: 'src/a.js', name, kind: 'function', score: 1, why: ['changed by a similar past change'] });

it('follows gone symbols to the homes history gives, asking for all of them at once', async () => {
  const asked: string[][] = [];
  const homes = (symbols: ReadonlyArray<{ name: string }>) => {
    asked.push(symbols.map((s) => s.name));
    return symbols.map((s) => (s.name === 'parseDate' ? ['src/dates/format.js', 'src/dates/parse.js'] : ['src/dates/format.js']));
  };
  const found = await checkSymbols([symbol('parseDate'), symbol('formatDate')], 5, { tree: TreeSymbols.at(repo.dir, 'HEAD'), revision: 'HEAD', homes, nearby: [] });
  assert.deepEqual(asked, [['parseDate', 'formatDate']], 'one question for both');
  assert.deepEqual(
    found.map((s) => [s.name, s.path, s.movedFrom]),
    [
      ['parseDate', 'src/dates/parse.js', 'src/a.js'],
      ['formatDate', 'src/dates/format.js', 'src/a.js'],
    ],
  );
});

it('drops a gone symbol whose homes do not declare it', async () => {
  const found = await checkSymbols([symbol('parseDate')], 5, { tree: TreeSymbols.at(repo.dir, 'HEAD'), revision: 'HEAD', homes: (symbols) => symbols.map(() => ['src/dates/format.js']), nearby: [] });
  assert.deepEqual(found, []);
});
