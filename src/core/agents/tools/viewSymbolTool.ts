import { z } from 'zod';
import { CoevolveError } from '../../errors.ts';
import type { SymbolRef } from '../../code/symbolParser.ts';
import { confinePath } from '../../sandbox/tools/confinePath.ts';
import { numbered } from '../../sandbox/tools/numberedLines.ts';
import type { SandboxTool } from '../../sandbox/tools/sandboxTool.ts';
import { readTextFile } from '../../sandbox/tools/textFile.ts';
import { resolveRoot } from '../../sandbox/tools/toolRoot.ts';
import type { OutputRoom } from '../contextFit.ts';
import { limitsFor } from './pagedReadFile.ts';
import { sharedSymbolParser } from './sharedSymbolParser.ts';

const MAX_LINES = 400;

const schema = z.object({
  path: z.string().describe('Source file relative to the project root.'),
  symbol: z.string().optional().describe('Function, class or method name ("parse", or "Parser.parse" for a method). Leave out to list the file\'s symbols.'),
});

export type ViewSymbolArgs = z.infer<typeof schema>;

/** view_symbol without a known window: at most MAX_LINES lines of each match. */
export const viewSymbolTool: SandboxTool<ViewSymbolArgs> = viewSymbolToolWithin(() => undefined);

/** view_symbol whose answer also fits the room the model's context window has left (see roomForOutput). */
export function viewSymbolToolWithin(room: () => OutputRoom | undefined): SandboxTool<ViewSymbolArgs> {
  return {
    name: 'view_symbol',
    description: 'Show one function, class or method of a source file (TypeScript, JavaScript, Python, Go, Rust, Java), with line numbers; or, without `symbol`, list the file\'s symbols with their line ranges.',
    schema,
    writes: false,
    async execute(root, args) {
      const resolved = await resolveRoot(root);
      const target = await confinePath(resolved, args.path, 'read');
      const file = await readTextFile(target.real, target.rel);
      const symbols = await sharedSymbolParser();
      if (!symbols.supports(target.rel)) throw new CoevolveError('bad-input', `view_symbol does not know the language of ${target.rel}; use read_file.`);
      const parsed = symbols.parse(target.rel, file.text);
      try {
        const outline = parsed.outline();
        if (!args.symbol) {
          if (!outline.length) return `${target.rel} declares no functions or classes.`;
          return `${target.rel}:\n${outline.map((s) => `${describe(s)}  lines ${s.startLine}-${s.endLine}`).join('\n')}`;
        }
        const wanted = args.symbol;
        const matches = outline.filter((s) => s.name === wanted || `${s.container ?? ''}.${s.name}` === wanted || (s.container && `${s.container}.${s.name}`.endsWith(`.${wanted}`)));
        if (!matches.length) {
          const names = outline.slice(0, 30).map(describe).join(', ');
          throw new CoevolveError('bad-input', `No symbol "${wanted}" in ${target.rel}. It declares: ${names || 'nothing this tool recognizes'}.`);
        }
        const lines = file.text.split('\n');
        const space = room();
        let chars = space ? limitsFor(space.most).maxChars : Number.POSITIVE_INFINITY;
        return matches
          .slice(0, 3)
          .map((s) => {
            let last = Math.min(s.endLine, s.startLine + MAX_LINES - 1);
            // The window's room is shared by the matches, in order; each shows at least its first line.
            for (let n = s.startLine; n <= last; n++) {
              chars -= (lines[n - 1]?.length ?? 0) + String(last).length + 2;
              if (chars < 0 && n > s.startLine) {
                last = n - 1;
                break;
              }
            }
            const width = String(last).length;
            const body = lines.slice(s.startLine - 1, last).map((text, i) => numbered(s.startLine + i, text.replace(/\r$/, ''), width));
            const cut = last < s.endLine ? `\n[${s.endLine - last} more lines; use read_file with startLine=${last + 1}]` : '';
            return `${describe(s)} in ${target.rel}, lines ${s.startLine}-${s.endLine}:\n${body.join('\n')}${cut}`;
          })
          .join('\n\n');
      } finally {
        parsed.dispose();
      }
    },
  };
}

function describe(symbol: SymbolRef): string {
  return `${symbol.kind} ${symbol.container ? `${symbol.container}.` : ''}${symbol.name}`;
}
