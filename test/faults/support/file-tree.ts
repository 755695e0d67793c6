/** Every path under a folder (files and folders, relative, sorted), to compare what a fault left behind. */
import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';

export function fileTree(root: string, skip: readonly string[] = []): string[] {
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      const rel = relative(root, path);
      if (skip.some((s) => rel === s || rel.startsWith(`${s}/`))) continue;
      out.push(entry.isDirectory() ? `${rel}/` : rel);
      if (entry.isDirectory()) walk(path);
    }
  };
  walk(root);
  return out.sort();
}
