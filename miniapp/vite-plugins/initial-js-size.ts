// Prints (and enforces) the JavaScript a first visit downloads before the app can run: the entry chunk and everything
// it imports statically, gzip-compressed. Lazy screens are not counted — that is the point of splitting them out.
import { gzipSync } from 'node:zlib';
import type { Plugin } from 'vite';

interface ChunkLike {
  type: 'chunk';
  fileName: string;
  code: string;
  isEntry: boolean;
  imports: string[];
}

/** The entry chunks plus their static imports, transitively. */
export function initialChunks(bundle: Record<string, { type: string }>): ChunkLike[] {
  const chunks = new Map(Object.values(bundle).flatMap((c) => (c.type === 'chunk' ? [[(c as ChunkLike).fileName, c as ChunkLike]] : [])));
  const seen = new Set<string>();
  const walk = (name: string) => {
    if (seen.has(name)) return;
    seen.add(name);
    for (const next of chunks.get(name)?.imports ?? []) walk(next);
  };
  for (const chunk of chunks.values()) if (chunk.isEntry) walk(chunk.fileName);
  return [...seen].flatMap((name) => (chunks.has(name) ? [chunks.get(name) as ChunkLike] : []));
}

export function initialJsSize(options: { budgetKb: number }): Plugin {
  return {
    name: 'slotpilot:initial-js-size',
    apply: 'build',
    generateBundle(_, bundle) {
      const chunks = initialChunks(bundle as Record<string, { type: string }>);
      const bytes = chunks.reduce((sum, chunk) => sum + gzipSync(chunk.code, { level: 9 }).length, 0);
      const lazy = Object.values(bundle).filter((c) => c.type === 'chunk').length - chunks.length;
      const kb = bytes / 1024;
      const line = `initial JS: ${kb.toFixed(1)} kB gzip in ${chunks.length} file(s) (budget ${options.budgetKb} kB; ${lazy} lazy chunk(s) not counted)`;
      // Vite's own report comes after this hook; print on stdout so it is in every build log.
      console.log(`\n${line}\n`);
      if (kb > options.budgetKb) this.error(`${line}: over budget — split the new code out with React.lazy or trim it`);
    },
  };
}
