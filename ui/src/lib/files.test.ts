import { describe, expect, it } from 'vitest'
import { humanSize, toBase64 } from './files'

describe('toBase64', () => {
  it('matches the standard encoding, also across chunk boundaries', () => {
    expect(toBase64(new TextEncoder().encode('证书'))).toBe('6K+B5Lmm')
    const big = new Uint8Array(0x8000 * 2 + 5).map((_, i) => i % 251)
    let binary = ''
    big.forEach((b) => (binary += String.fromCharCode(b)))
    const expected = btoa(binary)
    expect(toBase64(big)).toBe(expected)
  })
})

describe('humanSize', () => {
  it('uses B, KB and MB', () => {
    expect(humanSize(900)).toBe('900 B')
    expect(humanSize(2048)).toBe('2.0 KB')
    expect(humanSize(5 * 1048576)).toBe('5.0 MB')
  })
})
