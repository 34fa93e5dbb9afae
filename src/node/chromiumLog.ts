// Why headless Chromium (or its GPU process) went away, from Chromium's own log. openPageApi
// starts Chromium with `--enable-logging --log-file=…` in a folder of its own; when a page call
// fails with Playwright's "Target page, context or browser has been closed" (the browser process
// ended), the log says whether Chromium quit by itself and why. What the lines mean, checked on
// this machine (Chromium 156, SwiftShader):
//   - one GPU process crash during a run is not fatal: the browser logs "GPU process exited
//     unexpectedly: exit_code=…", starts a new GPU process, and the run ends 'device-lost';
//   - after several crashes in one browser's life it logs `FATAL … GPU process isn't usable.
//     Goodbye.` and exits: every page call then fails with "… has been closed";
//   - a browser ended from outside (a signal, the out-of-memory killer) logs nothing.
// A log line: [pid:tid:MMDD/HHMMSS.micros:LEVEL:source.cc:line] message

export interface ChromiumLogLine {
  level: string
  source: string
  message: string
}

const LINE = /^\[[^\]]*?:(VERBOSE\d*|INFO|WARNING|ERROR|FATAL):([^\]]+)\]\s?(.*)$/

/** The lines of Chromium's log that carry a level (continuation lines and others are skipped). */
export function parseChromiumLog(text: string): ChromiumLogLine[] {
  const out: ChromiumLogLine[] = []
  for (const raw of text.split('\n')) {
    const m = LINE.exec(raw.trim())
    if (m) out.push({ level: m[1], source: m[2], message: m[3] })
  }
  return out
}

export interface ChromiumExits {
  /** "GPU process exited unexpectedly" lines: one per GPU process crash */
  gpuExits: number
  /** their exit codes, in order (9 = SIGKILL) */
  gpuExitCodes: number[]
  /** the FATAL lines (Chromium ends right after one) */
  fatal: string[]
}

export function chromiumExits(text: string): ChromiumExits {
  const lines = parseChromiumLog(text)
  const exits = lines.filter((l) => l.source.startsWith('content/browser/gpu/') && /GPU process exited unexpectedly/.test(l.message))
  return {
    gpuExits: exits.length,
    gpuExitCodes: exits.map((l) => Number(/exit_code=(-?\d+)/.exec(l.message)?.[1] ?? NaN)),
    fatal: lines.filter((l) => l.level === 'FATAL').map((l) => `${l.message} (${l.source})`),
  }
}

/**
 * One sentence on what Chromium's log says about the GPU process and the browser's end, for an
 * error message; null when the log records neither a GPU process crash nor a fatal error.
 */
export function describeChromiumExits(text: string): string | null {
  const e = chromiumExits(text)
  if (e.gpuExits === 0 && e.fatal.length === 0) return null
  const parts: string[] = []
  if (e.gpuExits > 0) {
    const codes = [...new Set(e.gpuExitCodes)].map((c) => `exit_code=${c}`).join(', ')
    parts.push(`its GPU process crashed ${e.gpuExits} time${e.gpuExits === 1 ? '' : 's'} (${codes})`)
  }
  if (e.fatal.length > 0) parts.push(`Chromium then quit: ${e.fatal[e.fatal.length - 1]}`)
  return `Chromium's log: ${parts.join('; ')}`
}
