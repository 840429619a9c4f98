import type { SortKey, StaffInput } from '../api'

const SORTABLE: Record<string, SortKey> = { department: 'department', name: 'name', title: 'title' }

/** Maps an Element Plus sort-change event onto the core's sort key; unsorted falls back to department. */
export function sortFromTable(prop: string | null, order: 'ascending' | 'descending' | null): { sort: SortKey; descending: boolean } {
  if (!prop || !order || !(prop in SORTABLE)) return { sort: 'department', descending: false }
  return { sort: SORTABLE[prop], descending: order === 'descending' }
}

export function emptyStaffInput(): StaffInput {
  return {
    name: '', id_number: '', department: '', title_series: '', title: '', mobile: '', employment: '在职',
    professional: true, joined_on: '', left_on: '',
  }
}

/**
 * The rows a big list (roster, review, reminders) shows at first: about one window's worth; rows
 * below the window would only delay its first paint. The pager offers more.
 */
export const FIRST_PAGE_SIZE = 20
export const PAGE_SIZES = [20, 50, 100, 200, 500]
