import type { ParseContext, StructuredFailure } from '../checkResult.ts';
import { relativePath, splitLines, tidyMessage } from './parserText.ts';

/**
 * pytest. The short test summary names each failure by node id:
 *
 *   FAILED tests/test_x.py::TestThing::test_y - AssertionError: assert 4 == 5
 *   ERROR tests/test_z.py - ModuleNotFoundError: No module named 'z'
 *
 * and the FAILURES section (`____ TestThing.test_y ____`) holds the `E   ...` lines and the
 * `tests/test_x.py:12: AssertionError` location. The test name is the node id, which is what
 * `pytest <id>` re-runs. Without a summary (`-rN`, or output cut short) the sections alone are read.
 */
export function parsePytest(output: string, context: ParseContext): StructuredFailure[] {
  const lines = splitLines(output);
  const sections = readSections(lines);
  const failures: StructuredFailure[] = [];
  const used = new Set<Section>();
  // Captured logs print `ERROR    root:...`; read only the summary section when there is one.
  const summaryStart = lines.findIndex((line) => /^={3,} short test summary info ={3,}$/.test(line));
  for (const line of summaryStart >= 0 ? lines.slice(summaryStart + 1) : lines) {
    const summary = /^(FAILED|ERROR) (\S.*?)(?: - (.*))?$/.exec(line);
    if (!summary) continue;
    const nodeId = summary[2]!.trim();
    const [filePart, ...rest] = nodeId.split('::');
    const file = relativePath(filePart!, context.cwd);
    const section = findSection(sections, rest, summary[1] === 'ERROR', file);
    if (section) used.add(section);
    const failure: StructuredFailure = { file, message: summary[3]?.trim() || section?.message || `${summary[1]} ${nodeId}` };
    if (rest.length > 0) failure.testName = nodeId;
    const location = section ? lastLocationIn(section, file) : undefined;
    if (location) failure.line = location;
    if (section?.excerpt) failure.stackExcerpt = section.excerpt;
    failures.push(failure);
  }
  for (const section of sections) {
    if (used.has(section) || (!section.message && section.locations.length === 0)) continue;
    const last = section.locations[section.locations.length - 1];
    const failure: StructuredFailure = { testName: section.title, message: section.message || section.title };
    if (last) {
      failure.file = relativePath(last.file, context.cwd);
      failure.line = last.line;
    }
    if (section.excerpt) failure.stackExcerpt = section.excerpt;
    failures.push(failure);
  }
  return failures;
}

interface Section {
  title: string;
  message: string;
  locations: { file: string; line: number }[];
  excerpt?: string;
}

function readSections(lines: readonly string[]): Section[] {
  const sections: Section[] = [];
  let inside = false;
  let current: { title: string; body: string[] } | undefined;
  const flush = (): void => {
    if (current) sections.push(toSection(current.title, current.body));
    current = undefined;
  };
  for (const line of lines) {
    const banner = /^={3,} (.+?) ={3,}$/.exec(line);
    if (banner) {
      flush();
      inside = banner[1] === 'FAILURES' || banner[1] === 'ERRORS';
      continue;
    }
    if (!inside) continue;
    const title = /^_{3,} (.+?) _{3,}$/.exec(line);
    if (title) {
      flush();
      current = { title: title[1]!, body: [] };
      continue;
    }
    current?.body.push(line);
  }
  flush();
  return sections;
}

function toSection(title: string, body: readonly string[]): Section {
  const errorLines = body.filter((line) => /^E\s/.test(line)).map((line) => line.replace(/^E\s{0,7}/, ''));
  const locations: Section['locations'] = [];
  for (const line of body) {
    const location = /^(\S+\.py):(\d+):(?: |$)/.exec(line);
    if (location) locations.push({ file: location[1]!, line: Number(location[2]) });
  }
  const section: Section = { title, message: tidyMessage(errorLines), locations };
  const excerpt = [...body.filter((line) => /^>\s/.test(line)).slice(-2), ...body.filter((line) => /^\S+\.py:\d+: /.test(line)).slice(-2)];
  if (excerpt.length > 0) section.excerpt = excerpt.join('\n');
  return section;
}

/** The section for a node id: `test_y` or `TestThing.test_y`, or `ERROR at setup of test_y`. */
function findSection(sections: readonly Section[], parts: readonly string[], isError: boolean, file: string): Section | undefined {
  if (parts.length === 0) return sections.find((section) => section.title === `ERROR collecting ${file}`);
  const title = parts.join('.');
  const leaf = parts[parts.length - 1]!;
  return (
    sections.find((section) => section.title === title) ??
    (isError ? sections.find((section) => /^ERROR at (setup|teardown) of /.test(section.title) && section.title.endsWith(` of ${leaf}`)) : undefined) ??
    sections.find((section) => section.title === leaf)
  );
}

/** The failing line in the test's own file: the deepest frame there. */
function lastLocationIn(section: Section, file: string): number | undefined {
  const inFile = section.locations.filter((location) => location.file === file || location.file.endsWith(`/${file}`));
  return inFile[inFile.length - 1]?.line;
}
