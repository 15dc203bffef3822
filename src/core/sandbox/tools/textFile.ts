import { readFile } from 'node:fs/promises';
import { CoevolveError } from '../../errors.ts';
import { decodeText } from '../../util/decodeText.ts';
import { statIfPresent } from '../../util/fsProbe.ts';

/** Past this, a file is not something to read whole into a model's context or edit by text. */
const MAX_TEXT_FILE_BYTES = 4 * 1024 * 1024;

/**
 * A text file with its line-ending style, byte order mark and encoding taken apart, so an edit
 * works on plain `\n` text and writing it back restores all three.
 */
export interface TextFile {
  /** The content with `\n` line endings and no BOM. */
  text: string;
  eol: '\n' | '\r\n';
  bom: boolean;
  /** Not valid UTF-8: read as Latin-1 so every byte comes back unchanged. */
  latin1: boolean;
  /** Permission bits, to keep on rewrite. */
  mode: number;
}

/** git's own test: a NUL byte in the first 8000 bytes makes a file binary. */
export function looksBinary(bytes: Uint8Array): boolean {
  return bytes.subarray(0, 8000).includes(0);
}

export async function readTextFile(path: string, shownAs: string, maxBytes = MAX_TEXT_FILE_BYTES): Promise<TextFile> {
  const info = await statIfPresent(path);
  if (!info) throw new CoevolveError('bad-input', `${shownAs} does not exist.`);
  if (info.isDirectory()) throw new CoevolveError('bad-input', `${shownAs} is a folder, not a file.`);
  if (info.size > maxBytes) {
    throw new CoevolveError('bad-input', `${shownAs} is ${Math.round(info.size / 1024)} KiB, over the ${Math.round(maxBytes / 1024)} KiB limit; use search to find the part you need.`);
  }
  const bytes = await readFile(path);
  if (looksBinary(bytes)) throw new CoevolveError('bad-input', `${shownAs} is a binary file; it cannot be read or edited as text.`);
  const bom = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
  const decoded = decodeText(bom ? bytes.subarray(3) : bytes);
  const crlf = (decoded.text.match(/\r\n/g) ?? []).length;
  const lf = (decoded.text.match(/\n/g) ?? []).length - crlf;
  // Only a file that is CRLF throughout is converted; in a mixed one each line keeps its ending
  // (a `\r` stays part of its line, and the edit matcher's whitespace-tolerant pass sees past it).
  const pureCrlf = crlf > 0 && lf === 0;
  return { text: pureCrlf ? toLf(decoded.text) : decoded.text, eol: pureCrlf ? '\r\n' : '\n', bom, latin1: decoded.notUtf8, mode: info.mode };
}

/** Bytes for `text` (with `\n` endings) in the file's own style. */
export function encodeText(file: Pick<TextFile, 'eol' | 'bom' | 'latin1'>, text: string): Buffer {
  const body = file.eol === '\r\n' ? toLf(text).replace(/\n/g, '\r\n') : text;
  const bytes = Buffer.from(body, file.latin1 ? 'latin1' : 'utf8');
  return file.bom ? Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), bytes]) : bytes;
}

/** Model text may arrive with CRLF; matching and writing work on `\n`. */
export function toLf(text: string): string {
  return text.replace(/\r\n/g, '\n');
}
