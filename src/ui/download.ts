// Save bytes or text (or text in pieces: a large CSV is never one string) as a file through a
// temporary object URL.
export function download(name: string, content: string | Uint8Array | string[], type: string): void {
  const blob = new Blob(Array.isArray(content) ? content : [content as BlobPart], { type })
  const url = URL.createObjectURL(blob)
  const a = document.createElement('a')
  a.href = url
  a.download = name
  document.body.append(a)
  a.click()
  a.remove()
  setTimeout(() => URL.revokeObjectURL(url), 1000)
}
