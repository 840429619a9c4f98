import { ref } from 'vue'
import { ledgerApi, type CodeLists } from '../api'

const empty: CodeLists = {
  categories: [], subjects: [], statuses: [], situations: [], genders: [], employment: [], channels: [], plan_statuses: [],
}
const lists = ref<CodeLists>(empty)
let loading: Promise<CodeLists> | null = null

/** The core's code lists, fetched once per window and shared by every screen. */
export function useCodeLists() {
  loading ??= ledgerApi.codeLists().then((l) => (lists.value = l))
  return { lists, ready: loading }
}

/** The label of a stored code, or the code itself when the list does not know it. */
export function labelOf(options: { code: string; label: string }[], code: string): string {
  return options.find((o) => o.code === code)?.label ?? code
}
