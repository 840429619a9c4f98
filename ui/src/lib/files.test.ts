import { describe, expect, it } from 'vitest'
import { humanSize } from './files'

describe('humanSize', () => {
  it('uses B, KB and MB', () => {
    expect(humanSize(900)).toBe('900 B')
    expect(humanSize(2048)).toBe('2.0 KB')
    expect(humanSize(5 * 1048576)).toBe('5.0 MB')
  })
})
