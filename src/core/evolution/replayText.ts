/** Trailers that say who, not what: no help to whoever solves the task. */
const TRAILER = /^(signed-off-by|co-authored-by|reviewed-by|acked-by|tested-by|reported-by|change-id|cc):/i;

/**
 * The task as a person would state it: the commit's subject without its conventional-commit
 * prefix or PR number, then the body without trailers. It is untrusted text, like all history.
 */
export function replayTaskText(subject: string, body: string): string {
  const title = subject
    .replace(/^[a-z]+(\([^)]*\))?!?:\s*/i, '')
    .replace(/\s*\(#\d+\)\s*$/, '')
    .trim();
  const lines = body
    .split('\n')
    .filter((line) => !TRAILER.test(line.trim()))
    .join('\n')
    .trim();
  const sentence = title ? title.charAt(0).toUpperCase() + title.slice(1) : subject.trim();
  return lines ? `${sentence}\n\n${lines}` : sentence;
}
