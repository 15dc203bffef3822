import type { MemoryToolName } from '../../mcp/inProcessTools.ts';

/**
 * The language-model tools (package.json `languageModelTools`) and the MCP tool each one is: Copilot's
 * agent mode, or any extension through vscode.lm.invokeTool, reaches project memory with no MCP setup.
 * The four that read run without asking; record_outcome, the one that writes, asks the user each time.
 */
export const LM_TOOLS: ReadonlyArray<{ name: string; tool: MemoryToolName; doing: string; writes?: true }> = [
  { name: 'coevolve_recall', tool: 'recall', doing: 'Recalling project memory' },
  { name: 'coevolve_similar_fixes', tool: 'similar_fixes', doing: 'Looking for similar past fixes' },
  { name: 'coevolve_file_history', tool: 'file_history', doing: 'Reading the history of the file' },
  { name: 'coevolve_skills', tool: 'skills', doing: 'Reading the skill library' },
  { name: 'coevolve_record_outcome', tool: 'record_outcome', doing: 'Recording whether recalled items helped', writes: true },
];
