import type { FileCategory } from '../memory/experience.ts';

const LOCK_FILES = new Set([
  'package-lock.json', 'npm-shrinkwrap.json', 'yarn.lock', 'pnpm-lock.yaml', 'bun.lockb', 'bun.lock',
  'cargo.lock', 'go.sum', 'poetry.lock', 'pipfile.lock', 'composer.lock', 'gemfile.lock', 'uv.lock',
  'packages.lock.json', 'gradle.lockfile', 'flake.lock', 'podfile.lock', 'mix.lock', 'pubspec.lock',
]);
const VENDORED = /(^|\/)(node_modules|vendor|vendors|third[_-]party|bower_components|external|\.yarn)\//i;
const GENERATED = /(^|\/)(dist|build|out|target|coverage|__generated__|generated|gen)\/|\.min\.(js|css)$|\.(pb\.go|pb\.cc|pb\.h|g\.dart|designer\.cs|generated\.\w+)$|_pb2(_grpc)?\.py$|\.map$|\.snap$/i;
const TEST = /(^|\/)(tests?|__tests__|spec|specs|testdata|test_data|e2e|fixtures?)\/|(^|\/)test_[^/]+\.py$|_test\.(go|py|rb|exs?)$|\.(test|spec)\.[cm]?[jt]sx?$|(Test|Tests|IT)\.(java|kt|cs|scala)$|_spec\.rb$/i;
const DOCS = /\.(md|mdx|rst|adoc|txt)$|(^|\/)(docs?|documentation)\/|(^|\/)(readme|changelog|contributing|license|authors|notice)(\.[^/]*)?$/i;
const CONFIG = /\.(json|ya?ml|toml|ini|cfg|conf|properties|xml|gradle|editorconfig|env\.example)$|(^|\/)(\.[^/]+rc(\.\w+)?|Dockerfile|Makefile|\.gitignore|\.gitattributes|\.gitmodules|tsconfig[^/]*\.json)$/i;
const BINARY_EXT = /\.(png|jpe?g|gif|bmp|ico|webp|pdf|zip|gz|tgz|bz2|xz|7z|jar|war|class|so|dylib|dll|exe|bin|wasm|woff2?|ttf|otf|eot|mp[34]|mov|avi|psd|sqlite|db)$/i;

/** Classifies a path by convention; binary-ness from the diff wins over the name. */
export function categorizePath(path: string, options: { binary?: boolean; submodule?: boolean } = {}): FileCategory {
  if (options.submodule) return 'submodule';
  const base = path.slice(path.lastIndexOf('/') + 1).toLowerCase();
  if (LOCK_FILES.has(base)) return 'lock';
  if (VENDORED.test(path)) return 'vendored';
  if (GENERATED.test(path)) return 'generated';
  if (options.binary || BINARY_EXT.test(path)) return 'binary';
  if (TEST.test(path)) return 'test';
  if (DOCS.test(path)) return 'docs';
  if (CONFIG.test(path)) return 'config';
  return 'source';
}

/** Files whose content says nothing about the project's intent: never parsed, never summarised. */
export function isNoiseCategory(category: FileCategory): boolean {
  return category === 'lock' || category === 'vendored' || category === 'generated' || category === 'binary' || category === 'submodule';
}
