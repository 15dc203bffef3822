/** Non-code files of the synthetic project: manifests and lock files, docs, CI config, a bundle, PNGs. */
import { createHash } from 'node:crypto';
import { deflateSync } from 'node:zlib';
import type { Rng } from './prng.ts';
import type { Domain } from './vocabulary.ts';
import { PROPS, capitalize, pascal, plural } from './vocabulary.ts';

export interface Dep {
  name: string;
  version: string;
  dev: boolean;
  /** Direct dependencies appear in the manifest; the rest only in the lock file. */
  direct: boolean;
}

const NPM_DIRECT = ['react', 'react-dom', 'react-i18next', 'i18next', 'zod', 'pino', 'ioredis', 'pg', 'kysely', 'undici', 'date-fns', 'uuid', 'fastify', '@fastify/cors', 'prom-client', 'lru-cache'];
const NPM_DEV = ['typescript', 'vitest', 'eslint', 'prettier', '@types/node', '@types/react', 'vite', 'esbuild', '@testing-library/react', 'typescript-eslint', 'tsx', 'msw'];
const NPM_TRANSITIVE = ['ms', 'debug', 'chalk', 'semver', 'minimatch', 'brace-expansion', 'balanced-match', 'glob', 'inherits', 'once', 'wrappy', 'picomatch', 'fast-glob', 'micromatch', 'braces', 'fill-range', 'to-regex-range', 'is-number', 'ansi-styles', 'supports-color', 'has-flag', 'color-convert', 'color-name', 'escape-string-regexp', 'js-tokens', 'loose-envify', 'scheduler', 'postcss', 'nanoid', 'source-map-js', 'picocolors', 'rollup', 'fsevents', '@esbuild/linux-x64', '@esbuild/darwin-arm64', 'acorn', 'acorn-jsx', 'espree', 'esquery', 'estraverse', 'esutils', 'levn', 'optionator', 'prelude-ls', 'type-check', 'word-wrap', 'deep-is', 'fast-levenshtein', 'ajv', 'fast-deep-equal', 'json-schema-traverse', 'uri-js', 'punycode', 'yocto-queue', 'p-limit', 'p-locate', 'locate-path', 'path-exists', 'find-up', 'flat-cache', 'flatted', 'keyv', 'json-buffer', 'ignore', 'import-fresh', 'parent-module', 'callsites', 'resolve-from', 'strip-json-comments', 'argparse', 'js-yaml', 'tinypool', 'tinyspy', 'chai', 'assertion-error', 'check-error', 'deep-eql', 'loupe', 'pathval', 'magic-string', '@jridgewell/sourcemap-codec', 'pg-pool', 'pg-protocol', 'pg-types', 'postgres-array', 'postgres-bytea', 'postgres-date', 'postgres-interval', 'xtend', 'split2', 'pino-std-serializers', 'sonic-boom', 'thread-stream', 'on-exit-leak-free', 'atomic-sleep', 'quick-format-unescaped', 'real-require', 'safe-stable-stringify', 'redis-errors', 'redis-parser', 'denque', 'cluster-key-slot', 'standard-as-callback', 'lodash.defaults', 'lodash.isarguments'];

function randomVersion(rng: Rng): string {
  return `${rng.int(0, 9)}.${rng.int(0, 30)}.${rng.int(0, 20)}`;
}

export function initialNpmDeps(rng: Rng): Dep[] {
  return [
    ...NPM_DIRECT.map((name) => ({ name, version: randomVersion(rng), dev: false, direct: true })),
    ...NPM_DEV.map((name) => ({ name, version: randomVersion(rng), dev: true, direct: true })),
    ...NPM_TRANSITIVE.map((name) => ({ name, version: randomVersion(rng), dev: rng.chance(0.5), direct: false })),
  ];
}

export function bumpVersion(rng: Rng, version: string): string {
  const [maj, min, pat] = version.split('.').map(Number) as [number, number, number];
  const kind = rng.weighted({ patch: 6, minor: 3, major: 1 });
  if (kind === 'patch') return `${maj}.${min}.${pat + rng.int(1, 3)}`;
  if (kind === 'minor') return `${maj}.${min + 1}.0`;
  return `${maj + 1}.0.0`;
}

const integrity = (name: string, version: string): string => `sha512-${createHash('sha512').update(`${name}@${version}`).digest('base64')}`;

export function renderPackageJson(version: string, deps: Dep[]): string[] {
  const direct = (dev: boolean): string[] => deps.filter((d) => d.direct && d.dev === dev).map((d, i, all) => `    "${d.name}": "^${d.version}"${i < all.length - 1 ? ',' : ''}`);
  return ['{', '  "name": "@acme/platform",', `  "version": "${version}",`, '  "private": true,', '  "type": "module",', '  "workspaces": ["packages/*", "apps/*"],', '  "scripts": {', '    "build": "tsc -b && vite build apps/web",', '    "test": "vitest run",', '    "lint": "eslint .",', '    "format": "prettier --write ."', '  },', '  "dependencies": {', ...direct(false), '  },', '  "devDependencies": {', ...direct(true), '  }', '}'];
}

export function renderPackageLock(version: string, deps: Dep[]): string[] {
  const out = ['{', '  "name": "@acme/platform",', `  "version": "${version}",`, '  "lockfileVersion": 3,', '  "requires": true,', '  "packages": {', '    "": {', '      "name": "@acme/platform",', `      "version": "${version}",`, '      "workspaces": [', '        "packages/*",', '        "apps/*"', '      ]', '    },'];
  const sorted = [...deps].sort((a, b) => a.name.localeCompare(b.name));
  sorted.forEach((d, i) => {
    const base = d.name.startsWith('@') ? d.name.split('/')[1] : d.name;
    out.push(`    "node_modules/${d.name}": {`, `      "version": "${d.version}",`, `      "resolved": "https://registry.npmjs.org/${d.name}/-/${base}-${d.version}.tgz",`, `      "integrity": "${integrity(d.name, d.version)}",`);
    if (d.dev) out.push('      "dev": true,');
    out.push('      "license": "MIT"', `    }${i < sorted.length - 1 ? ',' : ''}`);
  });
  out.push('  }', '}');
  return out;
}

const GO_DEPS = ['github.com/jackc/pgx/v5', 'github.com/redis/go-redis/v9', 'github.com/prometheus/client_golang', 'golang.org/x/sync', 'golang.org/x/text', 'google.golang.org/protobuf', 'github.com/google/uuid', 'github.com/stretchr/testify', 'go.opentelemetry.io/otel', 'github.com/acme-oss/retry'];

export function initialGoDeps(rng: Rng): Dep[] {
  return GO_DEPS.map((name) => ({ name, version: randomVersion(rng), dev: false, direct: true }));
}

export function renderGoMod(deps: Dep[]): string[] {
  return ['module github.com/acme/platform', '', 'go 1.22', '', 'require (', ...deps.map((d) => `\t${d.name} v${d.version}`), ')'];
}

export function renderGoSum(deps: Dep[]): string[] {
  return deps.flatMap((d) => [`${d.name} v${d.version} h1:${createHash('sha256').update(d.name + d.version).digest('base64')}`, `${d.name} v${d.version}/go.mod h1:${createHash('sha256').update(`${d.name + d.version}mod`).digest('base64')}`]);
}

const CARGO_DEPS = ['serde', 'serde_json', 'tokio', 'tracing', 'thiserror', 'anyhow', 'metrics', 'bytes', 'hashbrown', 'parking_lot'];

export function initialCargoDeps(rng: Rng): Dep[] {
  return CARGO_DEPS.map((name) => ({ name, version: randomVersion(rng), dev: false, direct: true }));
}

export function renderCargoToml(crates: string[], deps: Dep[]): string[] {
  return ['[workspace]', 'resolver = "2"', `members = [${crates.map((c) => `"crates/${c}"`).join(', ')}]`, '', '[workspace.dependencies]', ...deps.map((d) => `${d.name} = "${d.version}"`)];
}

export function renderCargoLock(deps: Dep[]): string[] {
  return ['# This file is automatically @generated by Cargo.', '# It is not intended for manual editing.', 'version = 3', ...deps.flatMap((d) => ['', '[[package]]', `name = "${d.name}"`, `version = "${d.version}"`, 'source = "registry+https://github.com/rust-lang/crates.io-index"', `checksum = "${createHash('sha256').update(d.name + d.version).digest('hex')}"`])];
}

const MAVEN_DEPS = ['org.springframework.boot:spring-boot-starter-web', 'io.micrometer:micrometer-core', 'org.slf4j:slf4j-api', 'com.fasterxml.jackson.core:jackson-databind', 'org.junit.jupiter:junit-jupiter', 'org.postgresql:postgresql'];

export function initialMavenDeps(rng: Rng): Dep[] {
  return MAVEN_DEPS.map((name) => ({ name, version: randomVersion(rng), dev: name.includes('junit'), direct: true }));
}

export function renderPom(deps: Dep[]): string[] {
  return ['<?xml version="1.0" encoding="UTF-8"?>', '<project xmlns="http://maven.apache.org/POM/4.0.0">', '  <modelVersion>4.0.0</modelVersion>', '  <groupId>com.acme</groupId>', '  <artifactId>platform-jvm</artifactId>', '  <version>1.0.0-SNAPSHOT</version>', '  <properties>', '    <java.version>21</java.version>', '  </properties>', '  <dependencies>', ...deps.flatMap((d) => { const [g, a] = d.name.split(':'); return ['    <dependency>', `      <groupId>${g}</groupId>`, `      <artifactId>${a}</artifactId>`, `      <version>${d.version}</version>`, ...(d.dev ? ['      <scope>test</scope>'] : []), '    </dependency>']; }), '  </dependencies>', '</project>'];
}

export function domainDoc(domain: Domain, rng: Rng, highlights: string[]): string[] {
  const lines = [`# ${capitalize(domain.name)}`, '', `The ${domain.name} area owns ${domain.nouns.slice(0, -1).map(plural).join(', ')} and ${plural(domain.nouns[domain.nouns.length - 1] ?? 'item')}.`, ''];
  for (const noun of domain.nouns) {
    lines.push(`## ${capitalize(plural(noun))}`, '', `A ${noun} ${rng.pick(['is created when', 'is refreshed whenever', 'is validated before', 'is discarded after'])} a ${rng.pick(domain.nouns)} ${rng.pick(['changes', 'is stored', 'expires', 'is requested'])}. ${capitalize(domain.synonyms[noun] ?? noun)} limits are configured per tenant.`, '');
  }
  if (highlights.length > 0) lines.push('## API', '', ...highlights.map((h) => `- \`${h}\``), '');
  return lines;
}

export function readme(domains: Domain[]): string[] {
  return ['# Acme Platform', '', 'Monorepo for the Acme commerce platform: web app, CLI, and services in TypeScript, Python, Go, Rust and Java.', '', '## Layout', '', '| Path | What |', '| --- | --- |', '| `packages/` | TypeScript libraries |', '| `apps/web` | React front end |', '| `apps/cli` | Operator CLI |', '| `services/py` | Python workers |', '| `internal/` | Go services |', '| `crates/` | Rust crates |', '| `services/jvm` | Java services |', '', '## Areas', '', ...domains.map((d) => `- [${d.name}](docs/${d.name}.md)`), '', '## Development', '', '```sh', 'npm ci', 'make test', '```', ''];
}

export function ciWorkflow(node: number, go: string, extraSteps: string[]): string[] {
  return ['name: ci', 'on:', '  push:', '    branches: [main]', '  pull_request:', 'jobs:', '  test:', '    runs-on: ubuntu-latest', '    steps:', '      - uses: actions/checkout@v4', '      - uses: actions/setup-node@v4', '        with:', `          node-version: ${node}`, "          cache: npm", '      - uses: actions/setup-go@v5', '        with:', `          go-version: '${go}'`, '      - run: npm ci', '      - run: npm test', '      - run: go test ./...', '      - run: cargo test --workspace', '      - run: pytest services/py', ...extraSteps];
}

export function makefile(targets: string[]): string[] {
  const out = ['.PHONY: all test lint', '', 'all: lint test', ''];
  for (const t of targets) out.push(`${t}:`, `\t@echo "running ${t}"`, `\t./scripts/${t}.sh`, '');
  return out;
}

export interface ApiType {
  name: string;
  fields: string[];
}

export function initialApiTypes(rng: Rng, domains: Domain[]): ApiType[] {
  return domains.flatMap((d) => rng.sample(d.nouns, 3).map((n) => ({ name: pascal([n]), fields: rng.sample(PROPS, rng.int(3, 7)) })));
}

export function renderApiTypes(types: ApiType[], schemaHash: string): string[] {
  const out = ['// Code generated by openapi-typegen. DO NOT EDIT.', `// Schema: api/openapi.yaml (sha ${schemaHash})`, ''];
  for (const t of types) {
    out.push(`export interface ${t.name} {`, ...t.fields.map((f) => `  ${f}${f === 'id' ? '' : '?'}: ${f.endsWith('At') ? 'string' : f === 'size' || f === 'total' || f === 'weight' || f === 'priority' || f === 'version' ? 'number' : 'string'};`), '}', '');
  }
  out.push('export type ApiTypeName =', ...types.map((t, i) => `  | '${t.name}'${i === types.length - 1 ? ';' : ''}`));
  return out;
}

export function renderPbGo(types: ApiType[]): string[] {
  const out = ['// Code generated by protoc-gen-go. DO NOT EDIT.', '// versions:', '// \tprotoc-gen-go v1.33.0', '// \tprotoc        v4.25.3', '// source: events/v1/events.proto', '', 'package eventsv1', '', 'import (', '\tprotoreflect "google.golang.org/protobuf/reflect/protoreflect"', '\tprotoimpl "google.golang.org/protobuf/runtime/protoimpl"', ')', ''];
  for (const t of types) {
    out.push(`type ${t.name} struct {`, '\tstate         protoimpl.MessageState', '\tsizeCache     protoimpl.SizeCache', '\tunknownFields protoimpl.UnknownFields', '');
    t.fields.forEach((f, i) => out.push(`\t${f === 'id' ? 'Id' : capitalize(f)} string \`protobuf:"bytes,${i + 1},opt,name=${f},proto3" json:"${f},omitempty"\``));
    out.push('}', '', `func (x *${t.name}) Reset() {`, `\t*x = ${t.name}{}`, '}', '', `func (x *${t.name}) ProtoReflect() protoreflect.Message {`, '\treturn nil', '}', '');
    for (const f of t.fields) out.push(`func (x *${t.name}) Get${f === 'id' ? 'Id' : capitalize(f)}() string {`, '\tif x != nil {', `\t\treturn x.${f === 'id' ? 'Id' : capitalize(f)}`, '\t}', '\treturn ""', '}', '');
  }
  return out;
}

/** Segments of a minified bundle; a rebuild replaces some of them, like a real bundler output drifting. */
export function bundleSegments(rng: Rng, count: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < count; i++) out.push(bundleSegment(rng));
  return out;
}

function bundleSegment(rng: Rng): string {
  const id = (): string => String.fromCharCode(97 + rng.int(0, 25)) + (rng.chance(0.5) ? String.fromCharCode(65 + rng.int(0, 25)) : '');
  const a = id();
  const b = id();
  const c = id();
  return rng.pick([
    `function ${a}(${b},${c}){return ${b}.${rng.pick(PROPS)}!==void 0?${b}:${c}}`,
    `var ${a}=${b}.map(function(${c}){return ${c}.${rng.pick(PROPS)}})`,
    `${a}.prototype.${rng.pick(PROPS)}=function(${b}){this.${rng.pick(PROPS)}=${b};return this}`,
    `const ${a}=(${b})=>${b}&&${b}.length>${rng.int(0, 99)}?${b}.slice(0,${rng.int(1, 50)}):${b}`,
    `${a}.exports={${rng.pick(PROPS)}:${b},${rng.pick(PROPS)}:"${rng.hex(6)}"}`,
    `if(!${a})throw new Error("${rng.hex(8)}")`,
  ]);
}

export function rebuildBundle(rng: Rng, segments: string[]): void {
  const changes = Math.max(1, Math.floor(segments.length * rng.next() * 0.15));
  for (let i = 0; i < changes; i++) segments[rng.int(0, segments.length - 1)] = bundleSegment(rng);
  for (let i = rng.int(0, 5); i > 0; i--) segments.splice(rng.int(0, segments.length), 0, bundleSegment(rng));
}

export function renderBundle(segments: string[], hash: string): Buffer {
  return Buffer.from(`/*! acme-web ${hash} | (c) Acme */!function(){"use strict";${segments.join(';')}}();\n//# sourceMappingURL=app.min.js.map\n`);
}

const CRC_TABLE = ((): Uint32Array => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

function crc32(buf: Buffer): number {
  let c = 0xffffffff;
  for (const byte of buf) c = CRC_TABLE[(c ^ byte) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function pngChunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}

/** A valid RGB PNG with noisy gradients, so it neither compresses to nothing nor looks like text. */
export function pngImage(rng: Rng, width: number, height: number): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8;
  ihdr[9] = 2;
  const raw = Buffer.alloc((width * 3 + 1) * height);
  const [r0, g0, b0] = [rng.int(0, 255), rng.int(0, 255), rng.int(0, 255)];
  for (let y = 0; y < height; y++) {
    const row = y * (width * 3 + 1);
    raw[row] = 0;
    for (let x = 0; x < width; x++) {
      const o = row + 1 + x * 3;
      raw[o] = (r0 + x + rng.int(0, 12)) & 0xff;
      raw[o + 1] = (g0 + y + rng.int(0, 12)) & 0xff;
      raw[o + 2] = (b0 + x + y) & 0xff;
    }
  }
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return Buffer.concat([signature, pngChunk('IHDR', ihdr), pngChunk('IDAT', deflateSync(raw)), pngChunk('IEND', Buffer.alloc(0))]);
}
