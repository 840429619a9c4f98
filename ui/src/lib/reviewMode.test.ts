import { describe, expect, it } from 'vitest'
import { aheadOf, keyAction, progressText } from './reviewMode'

describe('审核模式', () => {
  it('reads each key of the issue, in either case', () => {
    expect(['a', 'A', 'Enter'].map(keyAction)).toEqual(['approve', 'approve', 'approve'])
    expect(['r', 'R'].map(keyAction)).toEqual(['reject', 'reject'])
    expect(['j', 'ArrowDown', 'ArrowRight'].map(keyAction)).toEqual(['next', 'next', 'next'])
    expect(['k', 'ArrowUp', 'ArrowLeft'].map(keyAction)).toEqual(['prev', 'prev', 'prev'])
    expect(['z', '?', 'Escape', 'x'].map(keyAction)).toEqual(['undo', 'help', 'close', null])
  })

  it('estimates the time left from the pace so far', () => {
    expect(progressText(0, 1128, 0)).toBe('已审 0 / 1128')
    expect(progressText(312, 1128, 312 * 4000)).toBe('已审 312 / 1128 · 预计还需 55分钟')
    expect(progressText(10, 1128, 10 * 6000)).toBe('已审 10 / 1128 · 预计还需 1小时52分钟')
    expect(progressText(1128, 1128, 1)).toBe('已审 1128 / 1128')
  })

  it('loads the next three and the one before', () => {
    expect(aheadOf(0, 10)).toEqual([0, 1, 2, 3])
    expect(aheadOf(5, 10)).toEqual([5, 6, 7, 8, 4])
    expect(aheadOf(9, 10)).toEqual([9, 8])
  })
})
