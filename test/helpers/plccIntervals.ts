// Every 95% CI of a PLCC in a report (arms' and folds' ci95.plcc, wherever they sit in the JSON),
// found by walking the object, so a new place that reports one is scanned too.
export function plccIntervals(report: unknown, path = '$'): { path: string; ci: [number, number] }[] {
  if (report === null || typeof report !== 'object') return []
  const out: { path: string; ci: [number, number] }[] = []
  for (const [k, v] of Object.entries(report)) {
    const here = `${path}.${k}`
    if (k === 'ci95' && v && typeof v === 'object' && !Array.isArray(v) && Array.isArray((v as { plcc?: unknown }).plcc))
      out.push({ path: `${here}.plcc`, ci: (v as { plcc: [number, number] }).plcc })
    else out.push(...plccIntervals(v, here))
  }
  return out
}

/** The intervals that leave [−1, 1] (empty when all are inside). */
export function outsideUnit(report: unknown): string[] {
  return plccIntervals(report)
    .filter(({ ci }) => !(ci[0] >= -1 && ci[1] <= 1 && ci[0] <= ci[1]))
    .map(({ path, ci }) => `${path} = [${ci.join(', ')}]`)
}
