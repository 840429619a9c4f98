import { describe, expect, it } from 'vitest'
import { emptyStaffInput, sortFromTable } from './table'

describe('sortFromTable', () => {
  it('maps sortable columns and direction', () => {
    expect(sortFromTable('name', 'descending')).toEqual({ sort: 'name', descending: true })
    expect(sortFromTable('title', 'ascending')).toEqual({ sort: 'title', descending: false })
  })
  it('falls back to department order when unsorted or unknown', () => {
    expect(sortFromTable(null, null)).toEqual({ sort: 'department', descending: false })
    expect(sortFromTable('mobile', 'ascending')).toEqual({ sort: 'department', descending: false })
  })
})

describe('emptyStaffInput', () => {
  it('starts a new person as 在职 with every field present', () => {
    const input = emptyStaffInput()
    expect(input.employment).toBe('在职')
    expect(input.professional).toBe(true)
    expect(Object.keys(input).sort()).toEqual([
      'department', 'employment', 'id_number', 'joined_on', 'left_on', 'mobile', 'name', 'professional', 'title', 'title_series',
    ])
  })
})
