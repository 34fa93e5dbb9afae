// The one place that owns a uPlot's life: built on an element, fed with setData while its shape
// stays the same (smooth live updates), rebuilt when the shape changes, kept as wide as the element
// and destroyed with it. Used as a Svelte attachment: <div {@attach uplot(() => spec)}></div>.
import { untrack } from 'svelte'
import type { Attachment } from 'svelte/attachments'
import uPlot from 'uplot'
import 'uplot/dist/uPlot.min.css'

export interface ChartSpec {
  /** everything but the width, which follows the element; read only when the chart is (re)built */
  options: () => Omit<uPlot.Options, 'width'>
  data: uPlot.AlignedData
  /** compared with ===: a new value rebuilds the chart (other series, other scales), the same value only
   *  swaps the data */
  shape: unknown
}

/** Attach a uPlot to the element; `spec` is read reactively, so the chart follows the state it reads. */
export function uplot(spec: () => ChartSpec): Attachment<HTMLElement> {
  return (node) => {
    let plot: uPlot | null = null
    let shape: unknown

    $effect(() => {
      const s = spec()
      if (plot && s.shape === shape) {
        plot.setData(s.data)
        return
      }
      plot?.destroy()
      shape = s.shape
      plot = new uPlot({ ...untrack(s.options), width: node.clientWidth || 480 }, s.data, node)
    })

    const ro = new ResizeObserver(() => {
      const w = node.clientWidth
      if (plot && w > 0 && w !== plot.width) plot.setSize({ width: w, height: plot.height })
    })
    ro.observe(node)
    return () => {
      ro.disconnect()
      plot?.destroy()
      plot = null
    }
  }
}

// Projector-readable: dark ticks and labels at 14 px (uPlot's default is a light 12 px).
const AXIS_STROKE = '#1d2330'
const GRID_STROKE = '#e4e7ed'
const FONT = '14px system-ui, -apple-system, "Segoe UI", Roboto, sans-serif'
const LABEL_FONT = '600 14px system-ui, -apple-system, "Segoe UI", Roboto, sans-serif'

/** The app's axis look: dark 14 px ticks and label, a light grid (none with grid: false). */
export function axis(label?: string, o: { size?: number; grid?: boolean } = {}): uPlot.Axis {
  // uPlot merges with Object.assign: a key set to undefined would wipe its default
  const a: uPlot.Axis = {
    stroke: AXIS_STROKE,
    font: FONT,
    labelFont: LABEL_FONT,
    ticks: { stroke: AXIS_STROKE, width: 1, size: 5 },
    grid: o.grid === false ? { show: false } : { stroke: GRID_STROKE },
  }
  if (label !== undefined) a.label = label
  if (o.size !== undefined) a.size = o.size
  return a
}

/** Tick steps for an epoch axis: whole epochs only (no 1.5 on a two-epoch run). */
export const EPOCH_TICKS = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000]

/** A series drawn as dots only (uPlot wants x ascending). */
export function dots(label: string, color: string, size = 3): uPlot.Series {
  return { label, stroke: color, fill: color, paths: () => null, points: { show: true, size, stroke: color, fill: color } }
}

/** A legend whose swatches are short lines drawn like the series: solid, or dashed (validation). */
export const LEGEND: uPlot.Legend = {
  show: true,
  live: false,
  markers: { width: 3, dash: (u, i) => (u.series[i].dash?.length ? 'dashed' : 'solid'), fill: () => 'transparent' },
}

/** The app's charts do not zoom on drag. */
export const NO_DRAG: uPlot.Cursor = { drag: { x: false, y: false } }

/** The y = x line of a predicted-vs-true scatter (its data column equals x). */
const IDENTITY_SERIES: uPlot.Series = { label: 'identity', stroke: '#9aa3b2', width: 1, dash: [4, 4], points: { show: false } }

/**
 * A predicted-vs-true scatter: data = [truth (ascending), truth again (the identity line), one
 * column of predictions per dot series].
 */
export function scatterOptions(o: { height: number; xLabel: string; dots: uPlot.Series[]; scales: uPlot.Scales }): Omit<uPlot.Options, 'width'> {
  return {
    height: o.height,
    scales: o.scales,
    axes: [axis(o.xLabel), axis('predicted', { size: 60 })],
    series: [{ label: o.xLabel }, IDENTITY_SERIES, ...o.dots],
    legend: LEGEND,
    cursor: NO_DRAG,
  }
}
