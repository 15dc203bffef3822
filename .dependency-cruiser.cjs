// No import cycles between the folders of src/core (git, memory, learning, agents, ...): each folder
// is a layer that may use the ones below it, never one that uses it. Type-only imports are left
// out: they vanish at compile time and make no runtime cycle.
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-folder-cycles-in-core',
      severity: 'error',
      comment: 'A folder of src/core imports (through any chain) a folder that imports it back. Move the shared piece down a layer.',
      scope: 'folder',
      from: { path: '^src/core/[^/]+$' },
      to: { path: '^src/core/[^/]+$', circular: true },
    },
    {
      name: 'core-never-imports-front-doors',
      severity: 'error',
      comment: 'src/core is the engine; the extension, the CLI, the MCP server and the sidecar are thin front doors over it.',
      from: { path: '^src/core/' },
      to: { path: '^src/(extension|cli|mcp|sidecar)/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: false,
    tsConfig: { fileName: 'tsconfig.json' },
    exclude: { path: '\\.d\\.ts$' },
  },
};
