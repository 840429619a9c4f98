import type { CategoryInfo, Dashboard, RecordInput } from '../api'

/** Which inputs the entry form shows for a category; the rules themselves stay in the core. */
export function formFields(c: CategoryInfo | undefined) {
  return {
    subject: !!c && !c.uses_months && !c.professional_only,
    claimed: !!c && !c.fixed_hours,
    months: !!c && c.uses_months,
    situation: c?.code === 'special',
    /** Training and study chosen as 公需 name one of the year's public topics. */
    topic: !!c && c.public_needs_topic,
  }
}

/** Drops inputs the chosen category does not use, so stale values never reach the core. */
export function cleanInput(input: RecordInput, c: CategoryInfo | undefined): RecordInput {
  const f = formFields(c)
  return {
    ...input,
    subject: f.subject ? input.subject : '',
    claimed: f.claimed ? input.claimed : null,
    months: f.months ? input.months : null,
    situation: f.situation ? input.situation : '',
    topic: f.topic && input.subject === 'public' ? input.topic : '',
    plan_id: c?.code === 'filed_training' ? input.plan_id : null,
  }
}

export function emptyRecordInput(staffId: number, year: number): RecordInput {
  return {
    staff_id: staffId, category: '', subject: '', title: '', start: `${year}-01-01`, end: `${year}-01-01`,
    claimed: null, months: null, situation: '', evidence: '', plan_id: null, topic: '', filing_number: '',
  }
}

/** Percentage for a progress bar, capped at 100. */
export function percent(value: number, required: number): number {
  if (required <= 0) return 100
  return Math.min(100, Math.round((value / required) * 1000) / 10)
}

/** One decimal at most, as hours are kept in tenths. */
export function fmtHours(h: number): string {
  return Number.isInteger(h) ? String(h) : h.toFixed(1)
}

export const STATUS_TAG: Record<string, 'info' | 'success' | 'danger' | 'warning' | 'primary'> = {
  pending: 'warning', approved: 'success', rejected: 'danger', synced: 'primary',
}

/** What the dashboard says when no one is counted this year, instead of empty charts and lists. */
export const EMPTY_ROSTER = '名册中还没有人员'

export function rosterIsEmpty(d: Pick<Dashboard, 'done' | 'short'>): boolean {
  return d.done + d.short === 0
}

/** Days to a deadline as the lists say it: 还有N天, or 已过N天 once it has passed. */
export function daysLeftText(n: number): string {
  return n >= 0 ? `还有${n}天` : `已过${-n}天`
}
