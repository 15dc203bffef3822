/**
 * The `path` argument of list_files and search: a folder or file prefix (`src`, `src/app.ts`) or a
 * glob (`src/**\/*.ts`, `*.md`). A glob without a `/` matches file names at any depth, as in
 * .gitignore.
 */
export function pathFilter(pattern: string | undefined): (path: string) => boolean {
  const spec = (pattern ?? '').trim().replace(/\\/g, '/').replace(/^\.\/+/, '').replace(/^\.$/, '');
  if (!spec) return () => true;
  if (!/[*?[{]/.test(spec)) {
    const prefix = spec.replace(/\/+$/, '');
    return (path) => path === prefix || path.startsWith(`${prefix}/`);
  }
  const regex = globToRegExp(spec.replace(/^\/+/, ''));
  if (spec.includes('/')) return (path) => regex.test(path);
  return (path) => regex.test(path.slice(path.lastIndexOf('/') + 1));
}

/** `**` crosses folders, `*` and `?` do not, `[abc]` and `{a,b}` as in shells. */
export function globToRegExp(glob: string): RegExp {
  let out = '';
  let braces = 0;
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '*') {
      if (glob[i + 1] === '*') {
        const slash = glob[i + 2] === '/';
        out += slash ? '(?:.*/)?' : '.*';
        i += slash ? 2 : 1;
      } else {
        out += '[^/]*';
      }
    } else if (c === '?') out += '[^/]';
    else if (c === '[') {
      const close = glob.indexOf(']', i + 1);
      if (close === -1) out += '\\[';
      else {
        out += `[${glob.slice(i + 1, close).replace(/^!/, '^').replace(/\\/g, '\\\\')}]`;
        i = close;
      }
    } else if (c === '{') {
      braces++;
      out += '(?:';
    } else if (c === '}' && braces > 0) {
      braces--;
      out += ')';
    } else if (c === ',' && braces > 0) out += '|';
    else out += c.replace(/[.+^$()|\\/]/g, '\\$&');
  }
  return new RegExp(`^${out}${')'.repeat(braces)}$`);
}
