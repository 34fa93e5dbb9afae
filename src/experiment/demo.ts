// The bundled demo corpus (public/demo/): nflx-like first, then the four konvid-like shards, as
// paths relative to public/ (URLs relative to the page). The app's "Load demo corpus", the page
// API and the CLI's default data all use this list.
export const DEMO_FILES: readonly string[] = [
  'demo/nflx_like.parquet',
  'demo/konvid_like/part-000.parquet',
  'demo/konvid_like/part-001.parquet',
  'demo/konvid_like/part-002.parquet',
  'demo/konvid_like/part-003.parquet',
]
