/** Replaced by the bundler with package.json's version; "dev" when run from source. */
declare const __COEVOLVE_VERSION__: string | undefined;
export const VERSION: string = typeof __COEVOLVE_VERSION__ === 'string' ? __COEVOLVE_VERSION__ : 'dev';
