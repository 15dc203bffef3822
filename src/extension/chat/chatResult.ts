/** What a chat answer leaves for its follow-ups (ChatResult.metadata). */
export interface ChatAnswerMeta {
  command: 'solve' | 'recall' | 'why' | 'evolve' | 'help';
  /** The text the user asked about. */
  query?: string;
  /** Files the answer is about, most relevant first. */
  files?: string[];
  /** A solve's run id. */
  runId?: string;
}

export const PARTICIPANT_ID = 'coevolve.chat';
