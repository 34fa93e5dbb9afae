// The service worker that keeps the lab working without a network: at install it caches every file
// of the build (the app shell, the workers, onnxruntime-web's wasm) and the bundled demo corpus,
// then answers those URLs from the cache only — a page loaded once reloads, loads the demo, trains
// and evaluates offline. Range requests (the parquet reader's probe, large-file reads) are cut from
// the cached full file as 206 responses. Anything else goes to the network as usual. The build
// (vite.offline.ts) writes the file list and a version over the two placeholders below; a new
// build is a new version: it takes over at once and drops the old cache.
/// <reference lib="webworker" />

declare const __OFFLINE_FILES__: string[]
declare const __OFFLINE_VERSION__: string

const sw = self as unknown as ServiceWorkerGlobalScope
const CACHE = `vmaf-tiny-lab-${__OFFLINE_VERSION__}`
const scope = new URL(sw.registration.scope)
/** absolute URLs of the cached files; the page itself (the scope) is served index.html */
const files = new Set(__OFFLINE_FILES__.map((f) => new URL(f, scope).href))

sw.addEventListener('install', (event) => {
  event.waitUntil(
    (async () => {
      const cache = await caches.open(CACHE)
      await cache.addAll([...files].map((url) => new Request(url, { cache: 'reload' })))
      await sw.skipWaiting()
    })(),
  )
})

sw.addEventListener('activate', (event) => {
  event.waitUntil(
    (async () => {
      for (const key of await caches.keys()) if (key.startsWith('vmaf-tiny-lab-') && key !== CACHE) await caches.delete(key)
      await sw.clients.claim()
    })(),
  )
})

/** The cached file a request is for: the file itself, or index.html for a navigation to the app's page. */
function cachedUrl(request: Request): string | null {
  if (request.method !== 'GET') return null
  const url = new URL(request.url)
  if (url.origin !== scope.origin) return null
  const bare = url.origin + url.pathname
  if (files.has(bare)) return bare
  if (request.mode === 'navigate' && bare === scope.href) return new URL('index.html', scope).href
  return null
}

/** `bytes=a-b`, `bytes=a-` or `bytes=-n` of a file of `size` bytes → [start, end] inclusive (null: unsatisfiable). */
function byteRange(header: string, size: number): [number, number] | null {
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim())
  if (!m || (m[1] === '' && m[2] === '')) return null
  let start: number
  let end: number
  if (m[1] === '') {
    start = Math.max(0, size - Number(m[2]))
    end = size - 1
  } else {
    start = Number(m[1])
    end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1)
  }
  return start <= end && start < size ? [start, end] : null
}

async function partial(full: Response, header: string): Promise<Response> {
  const body = await full.arrayBuffer()
  const range = byteRange(header, body.byteLength)
  if (!range) return new Response(null, { status: 416, headers: { 'Content-Range': `bytes */${body.byteLength}` } })
  const [start, end] = range
  const headers = new Headers({
    'Content-Type': full.headers.get('Content-Type') ?? 'application/octet-stream',
    'Content-Range': `bytes ${start}-${end}/${body.byteLength}`,
    'Content-Length': String(end - start + 1),
    'Accept-Ranges': 'bytes',
  })
  return new Response(body.slice(start, end + 1), { status: 206, headers })
}

sw.addEventListener('fetch', (event) => {
  const url = cachedUrl(event.request)
  if (!url) return
  event.respondWith(
    (async () => {
      const cache = await caches.open(CACHE)
      const hit = await cache.match(url)
      // not cached (the install was interrupted): the network, as without this worker
      if (!hit) return fetch(event.request)
      const range = event.request.headers.get('Range')
      return range ? partial(hit, range) : hit
    })(),
  )
})
