import type { Command } from 'commander';

type Register = (program: Command) => void;

/**
 * Each command module with the names it adds, in the order `coevolve --help` lists them (as
 * commandNames.ts does for the launcher; the registry's tests hold the two to each other). Loaded by
 * import(), which the CLI bundle turns into a module initialized on first use.
 */
const MODULES: ReadonlyArray<{ names: readonly string[]; load: () => Promise<Register> }> = [
  { names: ['mine'], load: async () => (await import('./commands/mine.ts')).registerMine },
  { names: ['recall'], load: async () => (await import('./commands/recall.ts')).registerRecall },
  { names: ['stats'], load: async () => (await import('./commands/stats.ts')).registerStats },
  { names: ['store'], load: async () => (await import('./commands/store.ts')).registerStore },
  { names: ['chat'], load: async () => (await import('./commands/chat.ts')).registerChat },
  { names: ['models'], load: async () => (await import('./commands/models.ts')).registerModels },
  { names: ['sidecar'], load: async () => (await import('./commands/sidecar.ts')).registerSidecar },
  { names: ['solve'], load: async () => (await import('./commands/solve.ts')).registerSolve },
  { names: ['mcp'], load: async () => (await import('./commands/mcp.ts')).registerMcp },
  { names: ['feedback', 'memory'], load: async () => (await import('./commands/learning.ts')).registerLearning },
  { names: ['skills'], load: async () => (await import('./commands/skills.ts')).registerSkills },
  { names: ['replay'], load: async () => (await import('./commands/replay.ts')).registerReplay },
  { names: ['evolve'], load: async () => (await import('./commands/evolve.ts')).registerEvolve },
];

/** The registrations a run needs: the named command's alone, none for --version, or all of them (help, a mistyped name, no command). */
export async function commandsFor(first: string | undefined): Promise<Register[]> {
  if (first === '--version' || first === '-V') return [];
  const named = MODULES.find((module) => first !== undefined && module.names.includes(first));
  return Promise.all((named ? [named] : MODULES).map((module) => module.load()));
}
