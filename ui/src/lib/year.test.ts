import { describe, expect, it } from 'vitest'
import { loadsFromCreation, yearShowings } from './year'

/** A screen's showings, with the `yearChanged` flag of each load it asked for. */
function recorded() {
  const loads: boolean[] = []
  return { loads, s: yearShowings((changed) => loads.push(changed)) }
}

describe('yearShowings', () => {
  it('loads on every showing and on a year change while shown', () => {
    const { loads, s } = recorded()
    s.show(2026)
    s.yearChanged(2025)
    s.hide()
    s.show(2025)
    expect(loads).toEqual([false, true, false])
  })

  it('leaves a hidden screen alone when the year changes, and catches up on return', () => {
    const { loads, s } = recorded()
    s.show(2026)
    s.hide()
    s.yearChanged(2025)
    s.yearChanged(2024)
    expect(loads).toEqual([false])
    s.show(2024)
    expect(loads).toEqual([false, true])
  })

  it('does not call a return to the year it left a change', () => {
    const { loads, s } = recorded()
    s.show(2026)
    s.hide()
    s.show(2026)
    expect(loads).toEqual([false, false])
  })
})

describe('loadsFromCreation', () => {
  it('loads at creation, not again at the first activation, then at each later one', () => {
    let loads = 0
    const activated = loadsFromCreation(() => loads++)
    expect(loads).toBe(1)
    activated()
    expect(loads).toBe(1)
    activated()
    activated()
    expect(loads).toBe(3)
  })
})
