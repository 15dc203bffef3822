import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { Command } from 'commander';
import { commandsFor } from '../../../src/cli/commandRegistry.ts';
import { COMMAND_NAMES } from '../../../src/cli/commandNames.ts';

async function programFor(first: string | undefined): Promise<string[]> {
  const program = new Command('coevolve');
  for (const register of await commandsFor(first)) register(program);
  return program.commands.map((command) => command.name());
}

test('with no command named, every command is registered, in the table order', async () => {
  const names = await programFor(undefined);
  assert.deepEqual(names, [...COMMAND_NAMES]);
  // The table names each command once, and lists at least the main ones.
  assert.equal(new Set(names).size, names.length);
  for (const name of ['mine', 'recall', 'solve', 'mcp', 'memory', 'skills']) assert.ok(names.includes(name), name);
});

test('a named command registers its own module only, which adds that command', async () => {
  for (const name of COMMAND_NAMES) {
    const names = await programFor(name);
    assert.ok(names.includes(name), `${name} is registered when named`);
    assert.ok(names.length < COMMAND_NAMES.length, `${name} does not load every command`);
  }
  assert.deepEqual(await programFor('mine'), ['mine']);
  assert.deepEqual(await programFor('memory'), ['feedback', 'memory']);
});

test('help, a mistyped command and an option load every command; --version none', async () => {
  for (const first of ['help', '--help', '-h', 'mien', '--store']) assert.deepEqual(await programFor(first), [...COMMAND_NAMES], first);
  assert.deepEqual(await programFor('--version'), []);
  assert.deepEqual(await programFor('-V'), []);
});

test('every command module the CLI has is in the table', async () => {
  const folder = new URL('../../../src/cli/commands/', import.meta.url);
  const added: string[] = [];
  for (const file of readdirSync(folder).filter((name) => name.endsWith('.ts'))) {
    const module = (await import(new URL(file, folder).href)) as Record<string, unknown>;
    for (const [name, value] of Object.entries(module)) {
      if (!/^register[A-Z]/.test(name) || typeof value !== 'function') continue;
      const program = new Command('coevolve');
      (value as (program: Command) => void)(program);
      added.push(...program.commands.map((command) => command.name()));
    }
  }
  assert.deepEqual([...added].sort(), [...COMMAND_NAMES].sort());
});
