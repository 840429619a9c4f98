import { describe, expect, it } from 'vitest'
import { acceptSuggestions, emptyAnswers, errorsAsText, fixKey, optionsOf, questionKey } from './importing'
import type { ValueQuestion } from '../bindings'

const question = (raw: string, suggestion: string | null, chosen: string | null = null): ValueQuestion => ({
  field: '类别', raw, rows: 3, suggestion, chosen, source: chosen ? '已记住' : '', options: [],
})

describe('import answers', () => {
  it('become the options the core reads, values and fixes split at their first bar', () => {
    const a = emptyAnswers()
    a.values[questionKey({ field: '类别', raw: '培训|班' })] = 'training'
    a.fixes[fixKey(12, '备案/证书编号')] = 'ZZ-1'
    a.addPeople = true
    a.leaveOut.push(30)
    expect(optionsOf(a)).toEqual({
      mapping: null, map: [], accept_suggested: false, add_people: true, leave_out: [30], evidence: null,
      values: [{ field: '类别', raw: '培训|班', code: 'training' }],
      fixes: [{ line: 12, field: '备案/证书编号', value: 'ZZ-1' }],
    })
  })

  it('take every open suggestion once, leaving answered and unsuggested values alone', () => {
    const a = emptyAnswers()
    const taken = acceptSuggestions([question('培训', 'training'), question('论文', 'achievement', 'achievement'), question('其他', null)], a)
    expect(taken).toBe(1)
    expect(a.values).toEqual({ '类别|培训': 'training' })
  })

  it('copy as lines naming file, row and column', () => {
    expect(errorsAsText('申报.xlsx', [{ line: 7, column: '学时', message: '学时“很多”无法识别' }])).toBe(
      '文件\t位置\t列\t问题\n申报.xlsx\t第7行\t学时\t学时“很多”无法识别',
    )
  })
})
