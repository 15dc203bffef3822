/** A line as read_file shows it (and as edit errors quote it): number, tab, text. */
export function numbered(lineNumber: number, text: string, width: number): string {
  return `${String(lineNumber).padStart(Math.max(width, 4))}\t${text}`;
}
