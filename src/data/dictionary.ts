// Names ↔ dense codes, in first-seen order; truncatable so a failed file can be rolled back.
export class Dictionary {
  readonly names: string[] = []
  private readonly index = new Map<string, number>()

  code(name: string): number {
    let c = this.index.get(name)
    if (c === undefined) {
      c = this.names.length
      this.names.push(name)
      this.index.set(name, c)
    }
    return c
  }

  truncate(length: number): void {
    for (let i = length; i < this.names.length; i++) this.index.delete(this.names[i])
    this.names.length = length
  }
}
