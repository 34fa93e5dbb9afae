// Registry files (model, sidecar, reports) and per-frame predictions as browser downloads.
import { evaluation } from '../../app/eval.svelte.ts'
import { onnxFiles, reportFile, sidecarFile, type SavedFile } from '../../app/modelFiles.svelte.ts'
import type { TableView } from '../../data/table.ts'
import { predictionTable } from '../../metrics/predictions.ts'
import { predictionsCsv, predictionsParquet } from '../../metrics/predictionsOut.ts'
import { download } from '../download.ts'

function save(files: (SavedFile | null)[]) {
  for (const f of files) if (f) download(f.name, f.content, f.type)
}

export const saveOnnx = (id: string) => save(onnxFiles(id))
export const saveSidecar = (id: string) => save([sidecarFile(id)])
export const saveReport = (id: string, format: 'json' | 'md') => save([reportFile(id, format)])

/** One row per evaluated frame with one predicted column per model (their latest evaluation on `table`). */
export async function savePredictions(table: TableView, models: { modelId: string; name: string }[], format: 'parquet' | 'csv'): Promise<void> {
  const preds = models.flatMap((m) => {
    const p = evaluation.pointsOf(m.modelId)
    return p ? [{ name: m.name, pred: p.pred }] : []
  })
  const t = predictionTable(table, preds)
  const base = preds.length === 1 ? `${preds[0].name}.predictions` : 'predictions'
  if (format === 'csv') download(`${base}.csv`, [...predictionsCsv(t)], 'text/csv')
  else download(`${base}.parquet`, await predictionsParquet(t), 'application/vnd.apache.parquet')
}
