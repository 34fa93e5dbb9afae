// A comlink handle on a worker that starts on first use and lives as long as the page.
// `start` must call `new Worker(new URL('…', import.meta.url), …)` itself so Vite bundles the worker.
import * as Comlink from 'comlink'

export function lazyWorker<T>(start: () => Worker): () => Comlink.Remote<T> {
  let remote: Comlink.Remote<T> | null = null
  return () => (remote ??= Comlink.wrap<T>(start()))
}
