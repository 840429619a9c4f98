import { ref } from 'vue'

/** The year every ledger view looks at; starts at this calendar year. */
export const currentYear = ref(new Date().getFullYear())

export function yearOptions(known: number[]): number[] {
  const set = new Set([...known, currentYear.value, new Date().getFullYear()])
  return [...set].sort((a, b) => b - a)
}
