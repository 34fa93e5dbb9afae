// One colour per arm, by the arm's position in the experiment: the same in the tables, the loss
// curves, the scatters, the dot plot and the forest plot. The first three are FoxBird's (a), (b), (c).
export const ARM_COLORS = ['#d9480f', '#1d8a4b', '#2f6fde', '#9c36b5', '#c2255c', '#0c8599', '#5f3dc4', '#495057']

export function armColor(index: number): string {
  return ARM_COLORS[((index % ARM_COLORS.length) + ARM_COLORS.length) % ARM_COLORS.length]
}
