// A file on disk as the reader's FileAccess (src/data/sources.ts): slices like hyparquet's
// asyncBufferFromFile, and also reads straight into the reader's pooled buffers and hashes with
// node:crypto through one reused buffer. So loading a large file in Node allocates no buffer per
// read, and its sha256 (whole, or fed from the reads: newHash) runs at native speed instead of the
// portable WebAssembly one's (src/data/sha256.ts).
import { createHash } from 'node:crypto'
import { open, stat, type FileHandle } from 'node:fs/promises'
import type { FileAccess } from '../data/sources.ts'

const HASH_BUFFER = 1 << 20

/** Fill `out` with the file's bytes from `position` (a short read is an error naming the file). */
async function readFully(handle: FileHandle, path: string, out: Uint8Array, position: number): Promise<void> {
  for (let done = 0; done < out.length; ) {
    const { bytesRead } = await handle.read(out, done, out.length - done, position + done)
    if (bytesRead === 0) throw new Error(`${path}: the file ended at byte ${position + done}, before byte ${position + out.length} (did it change while loading?)`)
    done += bytesRead
  }
}

/** Run `use` with the file open for reading, closed afterwards. */
async function withFile<T>(path: string, use: (h: FileHandle) => Promise<T>): Promise<T> {
  const handle = await open(path, 'r')
  try {
    return await use(handle)
  } finally {
    await handle.close()
  }
}

/** The file at `path` (its size read now) as a FileAccess. */
export async function fileAccess(path: string): Promise<FileAccess> {
  const { size } = await stat(path)
  const range = (start: number, end: number) => {
    if (!(start >= 0 && start <= end && end <= size)) throw new RangeError(`${path}: bytes ${start}…${end} of ${size}`)
  }
  return {
    byteLength: size,
    async slice(start, end = size) {
      range(start, end)
      const out = new Uint8Array(end - start)
      await withFile(path, (h) => readFully(h, path, out, start))
      return out.buffer
    },
    async readInto(start, end, into) {
      range(start, end)
      const out = new Uint8Array(into, 0, end - start)
      await withFile(path, (h) => readFully(h, path, out, start))
      return out
    },
    newHash() {
      const hash = createHash('sha256')
      return { update: (bytes) => hash.update(bytes), hex: () => hash.digest('hex') }
    },
    sha256: (onBytes) =>
      withFile(path, async (h) => {
        const hash = createHash('sha256')
        const buf = new Uint8Array(Math.min(HASH_BUFFER, Math.max(1, size)))
        for (let at = 0; at < size; at += buf.length) {
          const part = buf.subarray(0, Math.min(buf.length, size - at))
          await readFully(h, path, part, at)
          hash.update(part)
          onBytes?.(at + part.length)
        }
        return hash.digest('hex')
      }),
  }
}
