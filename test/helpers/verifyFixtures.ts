import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { tempDir } from './gitRepo.ts';

/** A temp project folder with the given files (path → content), for the verifier's tests. */
export class VerifyFixture {
  readonly dir: string;

  constructor(files: Record<string, string> = {}, prefix = 'coevolve-verify-') {
    this.dir = tempDir(prefix);
    this.write(files);
  }

  write(files: Record<string, string>): void {
    for (const [path, content] of Object.entries(files)) {
      const full = join(this.dir, path);
      mkdirSync(dirname(full), { recursive: true });
      writeFileSync(full, content);
    }
  }

  path(...parts: string[]): string {
    return join(this.dir, ...parts);
  }

  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** A package.json with these scripts. */
export function packageJson(scripts: Record<string, string>, extra: Record<string, unknown> = {}): string {
  return JSON.stringify({ name: 'fixture', version: '1.0.0', private: true, scripts, ...extra }, null, 2);
}
