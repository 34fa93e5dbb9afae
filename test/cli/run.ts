// Runs the command line as a user would (node cli/vmaf-tiny-lab.mjs …, the package's bin) in a
// subprocess, capturing stdout, stderr, the exit code and the wall time.
import { spawn } from 'node:child_process'
import { resolve } from 'node:path'
import { REPO } from '../helpers/shared.ts'

export const BIN = resolve(REPO, 'cli/vmaf-tiny-lab.mjs')

export interface CliRun {
  code: number | null
  stdout: string
  stderr: string
  ms: number
}

export function runCli(args: string[], opts: { cwd?: string; timeoutMs?: number; env?: Record<string, string> } = {}): Promise<CliRun> {
  const t0 = performance.now()
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: opts.cwd ?? REPO,
      env: { ...process.env, VMAF_TINY_LAB_DEBUG: '', ...opts.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d))
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d))
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 120_000)
    child.on('error', fail)
    child.on('close', (code) => {
      clearTimeout(timer)
      done({ code, stdout, stderr, ms: performance.now() - t0 })
    })
  })
}

/** The last non-empty stderr line (where the CLI puts its one-line reason). */
export const lastLine = (s: string) => s.trimEnd().split('\n').at(-1) ?? ''
