// Hand control back to the event loop for one turn, so a worker can receive a cancel message
// (or a page can repaint) in the middle of a long CPU computation. A macrotask, not a
// microtask: promise continuations alone would never let a message event in.
type Resolve = () => void

const nodeImmediate = (globalThis as { setImmediate?: (cb: () => void) => unknown }).setImmediate
let channel: MessageChannel | null = null
const waiting: Resolve[] = []

export function yieldNow(): Promise<void> {
  // Node: setImmediate runs after pending I/O. Browsers: a MessageChannel message is a task
  // without setTimeout's 4 ms clamp.
  if (nodeImmediate) return new Promise((resolve) => nodeImmediate(resolve))
  if (!channel) {
    channel = new MessageChannel()
    channel.port1.onmessage = () => waiting.shift()?.()
  }
  const port = channel.port2
  return new Promise((resolve) => {
    waiting.push(resolve)
    port.postMessage(null)
  })
}
