/**
 * Terminal control sequences out of captured output, so parsers and readers see plain text even
 * when a tool colours output despite NO_COLOR: CSI (colours, cursor moves), OSC (titles,
 * hyperlinks; ended by BEL or ST), and two-byte escapes.
 */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const ANSI = /\u001b\[[0-?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)|\u001b[@-Z\\-_]|\u009b[0-?]*[ -/]*[@-~]/g;

export function stripAnsi(text: string): string {
  return text.replace(ANSI, '');
}

/**
 * Plain, line-oriented text: ANSI removed, CRLF made LF, and lines redrawn with `\r` (progress
 * bars, spinners) reduced to what was drawn last.
 */
export function plainText(text: string): string {
  return stripAnsi(text)
    .replace(/\r\n/g, '\n')
    .split('\n')
    .map((line) => {
      const cut = line.lastIndexOf('\r', line.length - 2);
      return (cut >= 0 ? line.slice(cut + 1) : line).replace(/\r$/, '');
    })
    .join('\n');
}
