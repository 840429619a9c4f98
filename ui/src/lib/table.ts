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
