import { describe, expect, it } from 'vitest'
import type { CategoryInfo } from '../api'
import { cleanInput, daysLeftText, emptyRecordInput, fmtHours, formFields, percent, rosterIsEmpty } from './ledger'

const cat = (over: Partial<CategoryInfo>): CategoryInfo => ({
  code: 'training', label: '培训进修', uses_months: false, fixed_hours: false, daily_capped: true,
  professional_only: false, needs_audit: true, months_label: null, public_needs_topic: true,
  evidence_checklist: ['培训合格证书或盖章证明'], ...over,
})

describe('formFields', () => {
  it('shows months and hides subject and hours for postings', () => {
    expect(formFields(cat({ code: 'posting', uses_months: true, fixed_hours: true, public_needs_topic: false }))).toEqual({
      subject: false, claimed: false, months: true, situation: false, topic: false,
    })
  })
  it('shows situation only for special circumstances', () => {
    expect(formFields(cat({ code: 'special', uses_months: true, fixed_hours: true })).situation).toBe(true)
    expect(formFields(cat({})).situation).toBe(false)
  })
  it('hides the subject where only professional hours are possible', () => {
    expect(formFields(cat({ professional_only: true })).subject).toBe(false)
  })
})

describe('cleanInput', () => {
  it('drops values the category does not use', () => {
    const input = { ...emptyRecordInput(1, 2026), subject: 'public', claimed: 8, months: 3, situation: '出国' }
    const cleaned = cleanInput(input, cat({ code: 'achievement', fixed_hours: true }))
    expect(cleaned).toMatchObject({ subject: 'public', claimed: null, months: null, situation: '' })
  })
})

describe('topic', () => {
  it('goes to the core only with a 公需 training or study record', () => {
    const input = { ...emptyRecordInput(1, 2026), topic: '数字技术', subject: 'public' }
    expect(cleanInput(input, cat({})).topic).toBe('数字技术')
    expect(cleanInput({ ...input, subject: 'professional' }, cat({})).topic).toBe('')
    expect(cleanInput(input, cat({ code: 'competition', public_needs_topic: false, professional_only: true })).topic).toBe('')
  })
})

describe('formatting', () => {
  it('caps progress at 100 percent and keeps one decimal of hours', () => {
    expect(percent(45, 30)).toBe(100)
    expect(percent(10, 60)).toBe(16.7)
    expect(fmtHours(12.5)).toBe('12.5')
    expect(fmtHours(30)).toBe('30')
  })
})

describe('rosterIsEmpty', () => {
  it('is empty only when no one is counted, met or short', () => {
    expect(rosterIsEmpty({ done: 0, short: 0 })).toBe(true)
    expect(rosterIsEmpty({ done: 0, short: 1 })).toBe(false)
    expect(rosterIsEmpty({ done: 1, short: 0 })).toBe(false)
  })
})

describe('daysLeftText', () => {
  it('counts the days left, then the days past, and calls the deadline itself 还有0天', () => {
    expect(daysLeftText(30)).toBe('还有30天')
    expect(daysLeftText(0)).toBe('还有0天')
    expect(daysLeftText(-3)).toBe('已过3天')
  })
})
