// Design share links: round trip, short, and every kind of damage gets a message instead of a design.
import { describe, expect, it } from 'vitest'
import { decodeDesign, designUrl, encodeDesign, readDesignUrl, ShareLinkError } from '../../src/experiment/shareLink.ts'

const arm = (id: string, konvid: unknown, extra: Record<string, unknown> = {}) => ({
  id, label: `arm ${id}`, nflx: 'all', konvid, arch: 'mlp_small', epochs: 30, batchSize: 256, lr: 0.001, scalerMode: 'standard', ...extra,
})
const DESIGN = {
  name: 'foxbird',
  arms: [arm('a', 'none'), arm('b', 'all'), arm('c', 'none', { matchStepsOf: 'b' })],
  protocol: { kind: 'loso' },
  seeds: 5,
  firstSeed: 0,
  recipe: 'lab',
  comparisons: [{ a: 'a', b: 'b' }, { a: 'a', b: 'c' }, { a: 'c', b: 'b' }],
}
const DATA = ['https://example.org/demo/nflx_like.parquet', 'https://example.org/demo/konvid_like/part-000.parquet']

describe('design share links', () => {
  it('round-trip the whole design and the data URLs, and stay short', () => {
    const link = designUrl('https://lab.example/app/?tab=data&x=1#frag', { design: DESIGN, dataUrls: DATA })
    const u = new URL(link)
    expect([...u.searchParams.keys()]).toEqual(['tab', 'data', 'design'])
    expect(u.searchParams.get('tab')).toBe('experiments')
    expect(u.searchParams.get('design')!.length).toBeLessThan(400)
    expect(readDesignUrl(link)).toEqual({ design: DESIGN, dataUrls: DATA, error: null })
    expect(decodeDesign(encodeDesign(DESIGN))).toEqual(DESIGN)
  })
  it('are null for an address without a design', () => {
    expect(readDesignUrl('https://lab.example/?tab=study&epochs=3')).toBeNull()
  })
  const value = encodeDesign(DESIGN)
  it.each([
    ['cut short', value.slice(0, value.length - 12), /damaged/],
    ['one character changed', value.slice(0, 20) + (value[20] === 'A' ? 'B' : 'A') + value.slice(21), /damaged/],
    ['characters a link does not produce', value.slice(0, 10) + '%$' + value.slice(12), /characters a link does not produce/],
    ['another version', 'v9.' + value.slice(3), /not in a format this lab reads/],
    ['empty', 'v1.', /cut short/],
  ])('say what is wrong when %s', (_name, bad, message) => {
    expect(() => decodeDesign(bad)).toThrow(ShareLinkError)
    expect(() => decodeDesign(bad)).toThrow(message)
    const read = readDesignUrl(`https://lab.example/?tab=experiments&design=${encodeURIComponent(bad)}`)!
    expect(read.design).toBeNull()
    expect(read.error).toMatch(message)
  })
})
