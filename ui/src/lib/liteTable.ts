/** A column of `LiteTable`: the row field (or slot) it shows, and how wide it is. */
export interface LiteColumn {
  key: string
  label: string
  /** Fixed width in px; without one the column shares what is left (at least `minWidth`). */
  width?: number
  minWidth?: number
  /** The header click asks the server to sort (`sort-change`), as Element Plus's `sortable="custom"`. */
  sortable?: boolean
  /** Stays in view at the right edge while the table scrolls sideways (the row's buttons). */
  fixedRight?: boolean
  className?: string
}

export type SortOrder = 'ascending' | 'descending' | null

/** A header click: a new column sorts ascending, then descending, then not at all. */
export function nextSort(now: { prop: string | null; order: SortOrder }, clicked: string): { prop: string | null; order: SortOrder } {
  if (now.prop !== clicked || !now.order) return { prop: clicked, order: 'ascending' }
  if (now.order === 'ascending') return { prop: clicked, order: 'descending' }
  return { prop: null, order: null }
}
