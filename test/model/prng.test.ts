import { describe, expect, it } from 'vitest'
import { TorchGenerator } from '../../src/base/prng.ts'
import { initParams } from '../../src/model/init.ts'
import { flattenParams } from '../../src/model/params.ts'
import { FIXTURES, flattenFixture, loadTorchFixture } from '../helpers/torchFixture.ts'

describe('TorchGenerator', () => {
  it('produces the reference mt19937 stream (seed 5489, 10000th draw = 4123659995)', () => {
    const g = new TorchGenerator(5489)
    let v = 0
    for (let i = 0; i < 10000; i++) v = g.random()
    expect(v).toBe(4123659995)
  })

  it('randperm is a permutation and depends on the seed', () => {
    const a = new TorchGenerator(1).randperm(1000)
    const b = new TorchGenerator(2).randperm(1000)
    expect([...a].sort((p, q) => p - q)).toEqual([...Array(1000).keys()])
    expect(a).not.toEqual(b)
    expect(new TorchGenerator(1).randperm(1000)).toEqual(a)
  })
})

describe('initParams reproduces torch.manual_seed(0) + nn.Linear init bit for bit', () => {
  for (const name of [...FIXTURES, 'mlp_small_long']) {
    it(name, () => {
      const fx = loadTorchFixture(name)
      const ours = flattenParams(initParams(fx.widths, 0))
      const ref = flattenFixture(fx.init)
      expect(ours.length).toBe(ref.length)
      for (let i = 0; i < ref.length; i++) expect(ours[i]).toBe(Math.fround(ref[i]))
    })
  }

  it('a different seed gives different weights', () => {
    const fx = loadTorchFixture('mlp_small')
    const ours = flattenParams(initParams(fx.widths, 1))
    expect(ours[0]).not.toBe(Math.fround(fx.init[0].W[0][0]))
  })
})
