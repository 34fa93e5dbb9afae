// Build step for the offline service worker (src/offline/sw.ts): bundles it as `sw.js` next to
// index.html and writes into it the list of files to cache — every file of the build plus the
// bundled public/ files (the demo corpus) — and a version made of their names and sizes, so each
// new build replaces the old cache. The page registers it (src/main.ts) in production builds only.
import { createHash } from 'node:crypto'
import { readdirSync, statSync } from 'node:fs'
import { join, relative, resolve, sep } from 'node:path'
import type { Plugin } from 'vite'

const SW_FILE = 'sw.js'

/** Files under `dir`, as paths relative to it with forward slashes. */
function filesUnder(dir: string): string[] {
  const out: string[] = []
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name)
      if (statSync(p).isDirectory()) walk(p)
      else out.push(relative(dir, p).split(sep).join('/'))
    }
  }
  walk(dir)
  return out
}

/** `pages`: the HTML pages to cache (Vite writes them after this plugin has run). */
export function offlineCache(opts: { publicDir: string; pages: string[]; skip?: RegExp }): Plugin {
  return {
    name: 'vmaf-tiny-lab:offline-cache',
    apply: 'build',
    buildStart() {
      this.emitFile({ type: 'chunk', id: resolve(import.meta.dirname, 'src/offline/sw.ts'), fileName: SW_FILE })
    },
    generateBundle(_options, bundle) {
      const sw = bundle[SW_FILE]
      if (!sw || sw.type !== 'chunk') return this.error(`${SW_FILE} was not bundled`)
      const sizes = new Map<string, number>()
      for (const [name, out] of Object.entries(bundle)) {
        if (name === SW_FILE || name.endsWith('.map')) continue
        sizes.set(name, out.type === 'chunk' ? out.code.length : typeof out.source === 'string' ? out.source.length : out.source.byteLength)
      }
      for (const page of opts.pages) sizes.set(page, 0)
      for (const name of filesUnder(opts.publicDir)) {
        if (opts.skip?.test(name)) continue
        sizes.set(name, statSync(join(opts.publicDir, name)).size)
      }
      const files = [...sizes.keys()].sort()
      const version = createHash('sha256')
        .update(files.map((f) => `${f}:${sizes.get(f)}`).join('\n'))
        .digest('hex')
        .slice(0, 12)
      sw.code = sw.code.replaceAll('__OFFLINE_FILES__', JSON.stringify(files)).replaceAll('__OFFLINE_VERSION__', JSON.stringify(version))
    },
  }
}
