import { describe, expect, it } from 'vitest'
import { nextSort } from './liteTable'

describe('nextSort', () => {
  it('cycles a column through ascending, descending and unsorted', () => {
    let s = nextSort({ prop: null, order: null }, 'name')
    expect(s).toEqual({ prop: 'name', order: 'ascending' })
    s = nextSort(s, 'name')
    expect(s).toEqual({ prop: 'name', order: 'descending' })
    expect(nextSort(s, 'name')).toEqual({ prop: null, order: null })
  })

  it('starts another column ascending whatever the current order', () => {
    expect(nextSort({ prop: 'name', order: 'descending' }, 'title')).toEqual({ prop: 'title', order: 'ascending' })
  })
})
