/** Removes API keys from text headed for an error message or a log line. */
export function redactKeys(text: string, keys: ReadonlyArray<string | undefined>): string {
  let out = text;
  for (const key of keys) if (key && key.length >= 8) out = out.split(key).join('[REDACTED:api-key]');
  // Bearer headers echoed back by a proxy.
  return out.replace(/(Bearer\s+)[A-Za-z0-9._~+/=-]{8,}/gi, '$1[REDACTED]');
}
