import { ref } from 'vue'
import type { ImportKind, ImportOptions, ImportPreview, RowError, ValueQuestion } from '../bindings'

/** What the import screen is set to read; the dashboard's first-run guide sets it before going there. */
export const importKind = ref<ImportKind>('staff')

/** What the officer has told the import so far: the column mapping, answers to value questions, corrected cells. */
export interface ImportAnswers {
  mapping: ImportOptions['mapping']
  /** `field|raw` → code */
  values: Record<string, string>
  /** `line|field` → value */
  fixes: Record<string, string>
  addPeople: boolean
  /** Lines left out of this import, for the departments to answer. */
  leaveOut: number[]
  /** A folder or ZIP of the declarations' certificates, attached with them. */
  evidence: string
}

export function emptyAnswers(): ImportAnswers {
  return { mapping: null, values: {}, fixes: {}, addPeople: false, leaveOut: [], evidence: '' }
}

export const questionKey = (q: { field: string; raw: string }) => `${q.field}|${q.raw}`
export const fixKey = (line: number, field: string) => `${line}|${field}`

export function optionsOf(a: ImportAnswers): ImportOptions {
  return {
    mapping: a.mapping,
    map: [],
    values: Object.entries(a.values).map(([k, code]) => {
      const at = k.indexOf('|')
      return { field: k.slice(0, at), raw: k.slice(at + 1), code }
    }),
    accept_suggested: false,
    fixes: Object.entries(a.fixes).map(([k, value]) => {
      const at = k.indexOf('|')
      return { line: Number(k.slice(0, at)), field: k.slice(at + 1), value }
    }),
    add_people: a.addPeople,
    leave_out: [...a.leaveOut],
    evidence: a.evidence.trim() || null,
  }
}

/** Answers every open question that has a suggestion with it; returns how many were taken. */
export function acceptSuggestions(questions: ValueQuestion[], a: ImportAnswers): number {
  let taken = 0
  for (const q of questions) {
    if (!q.chosen && q.suggestion) {
      a.values[questionKey(q)] = q.suggestion
      taken += 1
    }
  }
  return taken
}

/** The errors as tab-separated lines (位置, 列, 问题), to paste into a message or a sheet. */
export function errorsAsText(file: string, errors: RowError[]): string {
  return [`文件\t位置\t列\t问题`, ...errors.map((e) => `${file}\t第${e.line}行\t${e.column}\t${e.message}`)].join('\n')
}

/** Questions still waiting for the officer: a suggestion not yet confirmed, or no reading at all. */
export const openQuestions = (p: ImportPreview) => p.questions.filter((q) => !q.chosen)
