// Picking rows out of a column: values[rows[i]] for each i, in the order of `rows`.

type Column = Float32Array | Uint32Array | Uint16Array | Uint8Array | Int32Array

export function gather<T extends Column>(values: T, rows: ArrayLike<number>): T {
  const out = new (values.constructor as new (n: number) => T)(rows.length)
  for (let i = 0; i < rows.length; i++) out[i] = values[rows[i]]
  return out
}
