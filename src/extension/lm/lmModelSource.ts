import * as vscode from 'vscode';
import type { ChatModelSource } from '../../core/llm/chatModel.ts';
import type { ModelConfig } from '../../core/llm/providers.ts';
import type { TeamRole } from '../../core/agents/team.ts';
import { lmFeatures } from './lmApi.ts';
import { LmChatModel } from './lmChatModel.ts';
import { noModel } from './lmErrors.ts';
import { parseSelector } from './lmSelector.ts';

const ROLES: readonly TeamRole[] = ['generator', 'implementer', 'rectifier'];

/**
 * The VS Code language models the team's roles use: each role whose provider in models.json is
 * `vscode-lm` gets the model it names; a role with no model configured at all gets `fallback` (the
 * model a chat request came with). Undefined when no role uses one. Throws `llm-unavailable` with
 * the remedy when a named model is not there, before any work starts.
 */
export async function lmModelSource(config: ModelConfig | undefined, fallback?: vscode.LanguageModelChat): Promise<ChatModelSource | undefined> {
  const chosen = new Map<TeamRole, { model: vscode.LanguageModelChat; provider: string }>();
  for (const role of ROLES) {
    const choice = config?.roles[role] ?? config?.roles.default;
    if (!choice) {
      if (fallback) chosen.set(role, { model: fallback, provider: 'vscode-lm' });
      continue;
    }
    if (config?.providers[choice.provider]?.preset !== 'vscode-lm') continue;
    if (!lmFeatures().models) throw noModel(`the ${role} role`, `${choice.model}: this VS Code has no Language Model API (1.90 or later)`);
    const selector = parseSelector(choice.model);
    const [model] = await vscode.lm.selectChatModels(selector);
    if (!model) throw noModel(`the ${role} role`, choice.model);
    chosen.set(role, { model, provider: choice.provider });
  }
  if (!chosen.size) return undefined;
  const toolCalling = lmFeatures().toolCalling;
  return (role, accounting) => {
    const picked = chosen.get(role);
    return picked ? new LmChatModel(picked.model, role, accounting, toolCalling, picked.provider) : undefined;
  };
}
