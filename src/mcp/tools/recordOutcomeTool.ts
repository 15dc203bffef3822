import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { creditFixes } from '../../core/learning/fixExperience.ts';
import { creditExperiences } from '../../core/learning/utility.ts';
import { appendOutcome, OUTCOMES } from '../../core/memory/outcomeLog.ts';
import type { ServerContext } from '../serverContext.ts';
import { guarded, plainAnswer } from '../toolResult.ts';

const inputSchema = {
  itemIds: z.array(z.string().min(1).max(200)).min(1).max(100).describe('The ids of the items you were given, e.g. "commit:<sha>" from recall, similar_fixes or file_history, or "skill:<name>".'),
  outcome: z.enum(OUTCOMES).describe('"helped": it led to the right change; "hurt": it misled you; "unused": you did not need it.'),
  runId: z.string().min(1).max(200).optional().describe('Your own id for the task or session, to group reports.'),
  note: z.string().max(2000).optional().describe('One or two sentences on why.'),
};

export function registerRecordOutcomeTool(server: McpServer, context: ServerContext): void {
  server.registerTool(
    'record_outcome',
    {
      title: 'Report whether recalled items helped',
      description:
        'After finishing a task, report whether the items this server gave you helped, hurt or went unused. ' +
        'The project learns from these reports which memories to rank higher or retire. This is the only tool that writes.',
      inputSchema,
      annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
    },
    ({ itemIds, outcome, runId, note }) =>
      guarded('record_outcome', async () => {
        const client = context.clientName();
        const record = await appendOutcome(context.workspace.storeDir, {
          itemIds,
          outcome,
          ...(runId ? { runId } : {}),
          ...(note ? { note } : {}),
          ...(client ? { client: client.slice(0, 200) } : {}),
        });
        // "helped" and "hurt" move the items' learned utility, as a run's outcome does; "unused" only logs.
        const reward = outcome === 'helped' ? 1 : outcome === 'hurt' ? -1 : undefined;
        const credited = reward
          ? [
              ...(await creditExperiences(context.workspace.storeDir, itemIds.filter((id) => id.startsWith('commit:')), reward)).updated,
              ...(await creditFixes(context.workspace.storeDir, itemIds.filter((id) => id.startsWith('fix:')), reward)),
            ]
          : [];
        return plainAnswer(`Recorded: ${record.itemIds.length} item(s) ${record.outcome} at ${record.at}${reward ? `; learned utility updated for ${credited.length}` : ''}. Thank you.`);
      }),
  );
}
