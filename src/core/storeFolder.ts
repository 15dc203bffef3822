/** Where the store lives, relative to the repository root, unless configured otherwise. */
export const DEFAULT_STORE_FOLDER = '.coevolve';
