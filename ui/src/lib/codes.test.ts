import { describe, expect, it } from 'vitest'
import { labelOf } from './codes'

describe('labelOf', () => {
  const statuses = [{ code: 'pending', label: '待审核' }, { code: 'approved', label: '通过' }]
  it('shows the label the core declares for a code', () => {
    expect(labelOf(statuses, 'approved')).toBe('通过')
  })
  it('shows an unknown code as it is rather than hiding it', () => {
    expect(labelOf(statuses, 'tampered')).toBe('tampered')
  })
})
