// What every result file under bench/results records: the date, the machine, the load average.
import { mkdirSync, writeFileSync } from 'node:fs'
import { availableParallelism, cpus, loadavg, totalmem } from 'node:os'
import { dirname } from 'node:path'

/** 1, 5 and 15 minute load averages, 2 decimals */
export const loadNow = (): number[] => loadavg().map((v) => Number(v.toFixed(2)))

export const today = (): string => new Date().toISOString().slice(0, 10)

export function machine(): { cpu_model: string; cores: number; memory_gib: number; gpu: string } {
  return {
    cpu_model: cpus()[0]?.model ?? 'unknown',
    cores: availableParallelism(),
    memory_gib: Math.round(totalmem() / 2 ** 30),
    gpu: 'none: WebGPU runs on SwiftShader (a CPU emulating a GPU)',
  }
}

export function writeResult(path: string, value: unknown): void {
  mkdirSync(dirname(path), { recursive: true })
  writeFileSync(path, JSON.stringify(value, null, 2) + '\n')
}
