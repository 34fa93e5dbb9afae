// ONNX export, inspection, sidecars and reports. Pure TS: no DOM, no runtime.
export { ALLOWED_OPS, opsOutsideAllowlist } from './allowlist.ts'
export { IncompatibleModelError, ModelFileError, OnnxFormatError, SidecarError } from './errors.ts'
export { buildMlpOnnx, exportOnnx, ExportError, INPUT_NAME, OUTPUT_NAME, type MlpGraph } from './export.ts'
export { floatValues, inspectOnnx, type NodeInfo, type OnnxInfo, type TensorInfo, type ValueInfo } from './inspect.ts'
export { extractMlp, NotAnMlpError, type ExtractedMlp } from './mlp.ts'
export { graphConstants, graphScaler, type GraphScaler } from './graphScaler.ts'
export {
  ID_PATTERN,
  MAX_ID_LENGTH,
  REGISTRY_FILE,
  RegistryError,
  registryId,
  registryIds,
  registryNotes,
  trainingDataset,
  writeRegistry,
  type RegistryEntry,
  type RegistryJson,
  type RegistryModel,
  type RegistryOptions,
} from './registry.ts'
export { fmt, reportJson, reportMarkdown, type EvalReport } from './report.ts'
export { sha256Hex } from '../data/sha256.ts'
export { parseSidecar, sidecar, sidecarJson, sidecarSplit, type Sidecar, type SplitRecordJson, type TrainingBlock } from './sidecar.ts'
export { IR_VERSION, OPSET } from './schema.ts'
