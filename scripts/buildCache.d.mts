// Types for scripts/buildCache.mjs (plain JavaScript, used by the launcher and by src/node).
export declare const cacheDir: (root: string) => string
export declare function sourceFingerprint(root: string, inputs: readonly string[], skip?: readonly string[]): string
export declare function cachedBuild(opts: {
  root: string
  name: string
  inputs: readonly string[]
  skip?: readonly string[]
  marker: string
  build: (tmpDir: string) => Promise<void>
  onStatus?: (msg: string) => void
  what?: string
}): Promise<string>
export declare function buildInNode(opts: { root: string; args: readonly string[]; what: string; stdout?: 'inherit' | 'ignore' }): Promise<void>
