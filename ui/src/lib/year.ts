import { onActivated, onDeactivated, ref, watch } from 'vue'

/** The year every ledger view looks at; starts at this calendar year. */
export const currentYear = ref(new Date().getFullYear())

export function yearOptions(known: number[]): number[] {
  const set = new Set([...known, currentYear.value, new Date().getFullYear()])
  return [...set].sort((a, b) => b - a)
}

/**
 * When a kept screen (`<KeepAlive>` in App.vue) loads: each time it is shown, and when the year
 * changes while it is shown. A year changed on another screen is caught up on return rather than
 * loaded in the background behind the screen the officer is looking at. `load` learns whether the
 * year changed since its last load (a paged screen goes back to page 1).
 */
export function yearShowings(load: (yearChanged: boolean) => void) {
  let shown = false
  let loadedYear: number | null = null
  return {
    show(year: number) {
      shown = true
      const changed = loadedYear !== null && loadedYear !== year
      loadedYear = year
      load(changed)
    },
    hide() {
      shown = false
    },
    yearChanged(year: number) {
      if (!shown) return
      loadedYear = year
      load(true)
    },
  }
}

/**
 * Runs `load` on every showing of a kept screen. The first one starts in the screen's setup, so
 * its query runs beside the screen's first render instead of after it (a screen is only set up
 * to be shown); later ones come with each activation.
 */
export function loadFromSetup(load: () => void) {
  onActivated(loadsFromCreation(load))
}

/** Loads now, then on each activation after the first (the one that follows the creation). */
export function loadsFromCreation(load: () => void): () => void {
  let created = true
  load()
  return () => {
    if (created) created = false
    else load()
  }
}

/** `yearShowings` wired to the screen's activation and to `currentYear`. */
export function loadWhenShown(load: (yearChanged: boolean) => void) {
  const showings = yearShowings(load)
  loadFromSetup(() => showings.show(currentYear.value))
  onDeactivated(showings.hide)
  watch(currentYear, showings.yearChanged)
}
