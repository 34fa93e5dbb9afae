// The worker side of the WebAssembly trainer: runs its share of a run's jobs with runJobs and
// reports each epoch as it ends. Platform-neutral: `serveRuns` takes the two functions it needs;
// in a Web Worker this module wires itself to `self`, in Node src/node/cpuWorkerMain.ts wires it to
// worker_threads' parentPort.
import type { FromWorker, ToWorker } from './protocol.ts'
import { receivedTrainData } from '../model/sharedData.ts'
import { runJobs } from './runner.ts'

export function serveRuns(post: (msg: FromWorker) => void, listen: (cb: (msg: ToWorker) => void) => void): void {
  const aborted = new Set<number>()
  listen((msg) => {
    if (msg.type === 'abort') {
      aborted.add(msg.run)
      return
    }
    const { run, data, jobs, resume, sliceMs } = msg
    runJobs(receivedTrainData(data), jobs, {
      resume: resume ?? undefined,
      sliceMs,
      aborted: () => aborted.has(run),
      onEpoch: (ev) => post({ type: 'epoch', run, ev }),
    }).then(
      (results) => post({ type: 'done', run, results }),
      (e: unknown) => {
        const err = e instanceof Error ? e : new Error(String(e))
        post({ type: 'error', run, name: err.name, message: err.message })
      },
    )
  })
}

// In a dedicated Web Worker: serve the page's trainer.
const scope = globalThis as unknown as {
  WorkerGlobalScope?: unknown
  postMessage?: (m: unknown) => void
  addEventListener?: (t: string, cb: (e: { data: ToWorker }) => void) => void
}
if (typeof scope.WorkerGlobalScope !== 'undefined' && scope.postMessage && scope.addEventListener) {
  const post = scope.postMessage.bind(scope)
  const add = scope.addEventListener.bind(scope)
  serveRuns(post, (cb) => add('message', (e) => cb(e.data)))
}
