// The files of a drop, folders included: a dropped folder is walked (its sub-folders too) and its
// parquet files and libvmaf logs come back named by their path inside the drop ("logs/Gears/a.json"),
// so the log naming rule can use the parent folder. Loose files keep their own name.
import { logFormatOf } from '../../data/logs/naming.ts'

const isDataFile = (name: string) => /\.parquet$/i.test(name) || logFormatOf(name) !== null

function fileOf(entry: FileSystemFileEntry): Promise<File> {
  return new Promise((done, fail) => entry.file(done, fail))
}

async function entriesOf(dir: FileSystemDirectoryEntry): Promise<FileSystemEntry[]> {
  const reader = dir.createReader()
  const all: FileSystemEntry[] = []
  // readEntries answers in batches until it answers an empty one
  for (;;) {
    const batch = await new Promise<FileSystemEntry[]>((done, fail) => reader.readEntries(done, fail))
    if (!batch.length) return all
    all.push(...batch)
  }
}

async function walk(entry: FileSystemEntry, path: string, out: File[]): Promise<void> {
  if (entry.isFile) {
    if (!isDataFile(entry.name)) return
    const f = await fileOf(entry as FileSystemFileEntry)
    out.push(new File([f], `${path}${entry.name}`, { type: f.type, lastModified: f.lastModified }))
  } else if (entry.isDirectory) {
    const children = await entriesOf(entry as FileSystemDirectoryEntry)
    children.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    for (const c of children) await walk(c, `${path}${entry.name}/`, out)
  }
}

/** Every file of the drop in order; folders expanded to their data files, sorted by name. */
export async function droppedFiles(dt: DataTransfer): Promise<File[]> {
  // entries and files must be taken synchronously, while the drop event is being handled
  const items = [...dt.items].filter((item) => item.kind === 'file').map((item) => ({ entry: item.webkitGetAsEntry(), file: item.getAsFile() }))
  if (!items.some((i) => i.entry?.isDirectory)) return [...dt.files]
  const out: File[] = []
  for (const { entry, file } of items) {
    if (entry?.isDirectory) await walk(entry, '', out)
    else if (file) out.push(file)
  }
  return out
}

/** Files picked from a folder (<input webkitdirectory>): their data files, named by their path. */
export function pickedFolderFiles(files: readonly File[]): File[] {
  return files
    .filter((f) => isDataFile(f.name))
    .map((f) => (f.webkitRelativePath ? new File([f], f.webkitRelativePath, { type: f.type, lastModified: f.lastModified }) : f))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
}
