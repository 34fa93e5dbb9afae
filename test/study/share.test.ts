import { describe, expect, it } from 'vitest'
import { readShare, shareUrl } from '../../src/study/share.ts'
import { DEFAULT_STUDY_SETTINGS } from '../../src/study/types.ts'

describe('share URL', () => {
  it('round-trips data URLs and every setting', () => {
    const settings = { ...DEFAULT_STUDY_SETTINGS, arch: 'custom', hidden: [32, 8], epochs: 45, batchSize: 128, lr: 3e-4, seeds: 5, firstSeed: 4, scalerMode: 'raw' as const, arms: ['a' as const, 'c' as const] }
    const dataUrls = ['demo/nflx_like.parquet', 'https://example.org/k v/part-000.parquet']
    const href = shareUrl('https://lab.example/app/?tab=data&x=1#frag', { dataUrls, settings, split: 'loso' })
    expect(href.startsWith('https://lab.example/app/?tab=study&')).toBe(true)
    expect(href).not.toContain('x=1')
    expect(new URL(href).searchParams.get('data')).toBe(dataUrls.join(','))
    const back = readShare(href)!
    expect(back.errors).toEqual([])
    expect(back.dataUrls).toEqual(dataUrls)
    expect(back.split).toBe('loso')
    expect(back.settings).toEqual({ arch: 'custom', hidden: [32, 8], epochs: 45, batchSize: 128, lr: 3e-4, seeds: 5, firstSeed: 4, scalerMode: 'raw', arms: ['a', 'c'] })
  })

  it('reads repeated data parameters too', () => {
    expect(readShare('https://lab.example/?data=a/1.parquet&data=b/2.parquet,c/3.parquet')!.dataUrls).toEqual(['a/1.parquet', 'b/2.parquet', 'c/3.parquet'])
  })

  it('ignores URLs without study parameters and names bad ones', () => {
    expect(readShare('https://lab.example/?tab=train')).toBeNull()
    const bad = readShare('https://lab.example/?epochs=-3&lr=abc&scaler=minmax&arms=xyz&split=random&seeds=2')!
    expect(bad.settings).toEqual({ seeds: 2 })
    expect(bad.errors).toHaveLength(5)
    expect(bad.errors[0]).toMatch(/epochs=-3: expected a whole number/)
  })
})
