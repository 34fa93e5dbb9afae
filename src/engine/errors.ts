// The engine's own errors. Bad jobs and data are the model layer's TrainInputError
// (src/model/trainChecks.ts), shared with the CPU trainer.

/** The GPU refused or failed part of a run (setup, readback, an adapter that breaks a kernel's assumption). */
export class EngineError extends Error {
  override name = 'EngineError'
}

/** A pipeline did not compile; the message carries the compiler's diagnostics. */
export class EngineSetupError extends Error {
  override name = 'EngineSetupError'
}
