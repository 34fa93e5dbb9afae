// Registry files (model, sidecar, reports) as browser downloads.
import { onnxFiles, reportFile, sidecarFile, type SavedFile } from '../../app/models.svelte.ts'
import { download } from '../study/download.ts'

function save(files: (SavedFile | null)[]) {
  for (const f of files) if (f) download(f.name, f.content, f.type)
}

export const saveOnnx = (id: string) => save(onnxFiles(id))
export const saveSidecar = (id: string) => save([sidecarFile(id)])
export const saveReport = (id: string, format: 'json' | 'md') => save([reportFile(id, format)])
