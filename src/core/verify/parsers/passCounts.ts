/**
 * How many tests a run reports as passed, from the summaries the common runners print: node:test
 * (`# pass 5` / `ℹ pass 5`), Mocha (`5 passing`), Jest (`Tests: … 5 passed`), Vitest (`Tests  5
 * passed`), pytest (`5 passed`), cargo test (`test result: … 5 passed`). Several runs in one check
 * add up. Undefined when no summary is recognised: then nothing is known, which is not zero.
 */
export function passedCount(output: string): number | undefined {
  let total = 0;
  let seen = false;
  const add = (pattern: RegExp): void => {
    for (const match of output.matchAll(pattern)) {
      total += Number(match[1]);
      seen = true;
    }
  };
  add(/^\s*(?:#|ℹ)\s*pass\s+(\d+)\s*$/gm);
  add(/^\s*(\d+)\s+passing\b/gm);
  add(/^\s*Tests:\s+(?:.*?,\s*)?(\d+)\s+passed\b/gm);
  add(/^\s*Tests\s+(?:\d+\s+failed\s*\|\s*)?(\d+)\s+passed\b/gm);
  add(/^(?:=+\s*)?(?:.*?,\s*)?(\d+)\s+passed\b(?:,.*)?\s+in\s+[\d.]+s\b/gm);
  add(/^test result: \w+\.\s+(\d+)\s+passed;/gm);
  return seen ? total : undefined;
}
