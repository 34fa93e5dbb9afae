// A uPlot plugin that draws intervals (a CI, mean ± std) as whiskers with caps at given positions,
// and optionally a reference line (Δ = 0). Works with the x scale laid out either way (ori 0 or 1).
import type uPlot from 'uplot'

export interface Interval {
  /** position on the x scale */
  x: number
  lo: number
  hi: number
  color: string
}

export interface IntervalOptions {
  intervals: () => Interval[]
  /** a y value drawn as a dashed reference line across the plot */
  reference?: number
  cap?: number
  width?: number
}

export function intervalsPlugin(o: IntervalOptions): uPlot.Plugin {
  return {
    hooks: {
      draw: (u: uPlot) => {
        const ctx = u.ctx
        const flipped = u.scales.x.ori === 1
        const dpr = devicePixelRatio || 1
        const cap = (o.cap ?? 6) * dpr
        // canvas point for (position along x, value along y)
        const at = (x: number, y: number): [number, number] => {
          const px = u.valToPos(x, 'x', true)
          const py = u.valToPos(y, 'y', true)
          return flipped ? [py, px] : [px, py]
        }
        ctx.save()
        if (o.reference !== undefined) {
          const { left, top, width, height } = u.bbox
          const p = u.valToPos(o.reference, 'y', true)
          ctx.strokeStyle = '#1d2330'
          ctx.lineWidth = dpr
          ctx.setLineDash([5 * dpr, 4 * dpr])
          ctx.beginPath()
          if (flipped) {
            ctx.moveTo(p, top)
            ctx.lineTo(p, top + height)
          } else {
            ctx.moveTo(left, p)
            ctx.lineTo(left + width, p)
          }
          ctx.stroke()
          ctx.setLineDash([])
        }
        ctx.lineWidth = (o.width ?? 2) * dpr
        for (const iv of o.intervals()) {
          const [x0, y0] = at(iv.x, iv.lo)
          const [x1, y1] = at(iv.x, iv.hi)
          ctx.strokeStyle = iv.color
          ctx.beginPath()
          ctx.moveTo(x0, y0)
          ctx.lineTo(x1, y1)
          for (const [cx, cy] of [[x0, y0], [x1, y1]]) {
            if (flipped) {
              ctx.moveTo(cx, cy - cap / 2)
              ctx.lineTo(cx, cy + cap / 2)
            } else {
              ctx.moveTo(cx - cap / 2, cy)
              ctx.lineTo(cx + cap / 2, cy)
            }
          }
          ctx.stroke()
        }
        ctx.restore()
      },
    },
  }
}
