/**
 * The CLI's top-level commands, in the order `coevolve --help` lists them. commandRegistry.ts loads
 * each one's module; the launcher keeps one code cache per name (any other first word shares one).
 */
export const COMMAND_NAMES: readonly string[] = ['mine', 'recall', 'stats', 'store', 'chat', 'models', 'sidecar', 'solve', 'mcp', 'feedback', 'memory', 'skills', 'replay', 'evolve'];
