// Errors about a model file, always naming the file, so the UI can show them as they are.

export class ModelFileError extends Error {
  override name = 'ModelFileError'
  constructor(
    readonly file: string,
    readonly problem: string,
  ) {
    super(`${file}: ${problem}`)
  }
}

/** Not an ONNX model at all (or truncated / corrupt). */
export class OnnxFormatError extends ModelFileError {
  override name = 'OnnxFormatError'
}

/** A valid ONNX model that cannot be used on this data (input width, types, external data…). */
export class IncompatibleModelError extends ModelFileError {
  override name = 'IncompatibleModelError'
}

/** A sidecar .json that is not the registry format. */
export class SidecarError extends ModelFileError {
  override name = 'SidecarError'
}
