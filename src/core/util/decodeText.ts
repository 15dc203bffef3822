const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Decodes bytes from git. Valid UTF-8 is taken as is; anything else (a Latin-1 message, a path
 * written on an old system) is read as Latin-1 so no byte is lost, and flagged.
 */
export function decodeText(bytes: Uint8Array): { text: string; notUtf8: boolean } {
  let ascii = true;
  for (let i = 0; i < bytes.length; i++) {
    if (bytes[i]! >= 0x80) {
      ascii = false;
      break;
    }
  }
  if (ascii) return { text: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1'), notUtf8: false };
  try {
    return { text: strictUtf8.decode(bytes), notUtf8: false };
  } catch {
    return { text: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1'), notUtf8: true };
  }
}
