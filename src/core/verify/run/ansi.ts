import { stripVTControlCharacters } from 'node:util';

/**
 * Plain, line-oriented text from captured output, so parsers and readers see what a terminal would
 * show even when a tool colours output despite NO_COLOR: terminal control sequences removed (Node's
 * `stripVTControlCharacters`: colours, cursor moves, OSC titles and hyperlinks), CRLF made LF, and
 * lines redrawn with `\r` (progress bars, spinners) reduced to what was drawn last.
 */
export function plainText(text: string): string {
  return stripVTControlCharacters(text)
    .replace(/\r\n/g, '\n')
    .split('\n')
    .map((line) => {
      const cut = line.lastIndexOf('\r', line.length - 2);
      return (cut >= 0 ? line.slice(cut + 1) : line).replace(/\r$/, '');
    })
    .join('\n');
}
