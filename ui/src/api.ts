// Typed wrappers over the shell's IPC commands; the shapes mirror the core's serde types.
import { invoke } from '@tauri-apps/api/core'

export interface LedgerInfo { path: string; error: string | null }
export interface HrOffice { name: string; phone: string }
export interface UnitProfile {
  name: string; address: string; leader: string; officer: string; phone: string; hr_office: string
}
export interface StaffInput {
  name: string; id_number: string; department: string; title_series: string
  title: string; mobile: string; employment: string
}
export interface Staff extends StaffInput {
  id: number; archived: boolean; gender: string; birth_date: string; created_at: string; updated_at: string
}
export interface StaffRow extends Omit<StaffInput, 'id_number'> {
  id: number; id_masked: string; archived: boolean; gender: string; birth_date: string
}
export type SortKey = 'department' | 'name' | 'title' | 'created'
export interface StaffQuery {
  search: string; department: string; include_archived: boolean
  sort: SortKey; descending: boolean; page: number; page_size: number
}
export interface StaffPage { total: number; items: StaffRow[] }

export const api = {
  ledgerInfo: () => invoke<LedgerInfo>('ledger_info'),
  hrOffices: () => invoke<HrOffice[]>('hr_offices'),
  unitGet: () => invoke<UnitProfile>('unit_get'),
  unitSave: (profile: UnitProfile) => invoke<UnitProfile>('unit_save', { profile }),
  staffPage: (query: StaffQuery) => invoke<StaffPage>('staff_page', { query }),
  staffGet: (id: number) => invoke<Staff>('staff_get', { id }),
  staffAdd: (input: StaffInput) => invoke<StaffRow>('staff_add', { input }),
  staffUpdate: (id: number, input: StaffInput) => invoke<StaffRow>('staff_update', { id, input }),
  staffSetArchived: (id: number, archived: boolean) => invoke<StaffRow>('staff_set_archived', { id, archived }),
  staffDepartments: () => invoke<string[]>('staff_departments'),
}

/** IPC errors arrive as the core's Chinese message; anything else is shown as text. */
export function errorText(e: unknown): string {
  return typeof e === 'string' ? e : e instanceof Error ? e.message : String(e)
}
