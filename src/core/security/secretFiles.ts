/**
 * Files that are key material or credentials by nature. Their changed lines never reach memory, as
 * diff samples or as words; their path and line counts do. A private key replaced in place shows in a
 * `-U0` diff as bare base64 lines with no BEGIN/END armour around them (the armour did not change),
 * whose short last line or fragments split at `+` and `/` would pass for words: the file's name
 * tells, or else the shape of its redacted lines.
 */
const SECRET_FILE_NAMES = new Set([
  'id_rsa', 'id_dsa', 'id_ecdsa', 'id_ed25519', 'id_ecdsa_sk', 'id_ed25519_sk', 'identity',
  '.netrc', '_netrc', '.pgpass', '.htpasswd', '.git-credentials', 'credentials', 'secring.gpg',
]);
const SECRET_FILE_EXTENSIONS = /\.(?:pem|key|p8|pk8|p12|pfx|pkcs12|ppk|jks|keystore|bks|asc|gpg|pgp|kdbx|ovpn|tfstate)$/i;
/** Private-key armour and service-account keys, as the redactor marks them. */
const KEY_MARKER = /\[REDACTED:(?:private-key|gcp-service-account-key)\]/;
/** A line that was nothing but a random literal: a key's body line, cut from its armour. */
const RANDOM_LINE = /^[+-]?[ \t]*\[REDACTED:random-literal\][ \t]*$/m;

/** Whether a file's name says it holds keys or credentials. */
export function isSecretFile(path: string): boolean {
  const base = path.slice(path.lastIndexOf('/') + 1);
  return SECRET_FILE_NAMES.has(base.toLowerCase()) || SECRET_FILE_EXTENSIONS.test(base);
}

/**
 * Whether changed lines, once redacted (with random literals), were key material: a private key,
 * or a line that held nothing but a random literal, as the body lines of a key replaced in place do.
 */
export function showsKeyMaterial(redacted: string): boolean {
  return redacted.includes('[REDACTED:') && (KEY_MARKER.test(redacted) || RANDOM_LINE.test(redacted));
}
