/** The keys of 审核模式 (issue 25): one look and one key per record. */
export type ReviewKey = 'approve' | 'reject' | 'next' | 'prev' | 'undo' | 'help' | 'close' | 'zoomIn' | 'zoomOut'

/** What a key press means, or null; letters in either case. */
export function keyAction(key: string): ReviewKey | null {
  switch (key) {
    case 'a': case 'A': case 'Enter': return 'approve'
    case 'r': case 'R': return 'reject'
    case 'j': case 'J': case 'ArrowDown': case 'ArrowRight': return 'next'
    case 'k': case 'K': case 'ArrowUp': case 'ArrowLeft': return 'prev'
    case 'z': case 'Z': return 'undo'
    case '?': return 'help'
    case 'Escape': return 'close'
    case '+': case '=': return 'zoomIn'
    case '-': return 'zoomOut'
    default: return null
  }
}

/** The reasons a certificate is usually sent back for, offered on R (1–6 pick one). */
export const REJECT_REASONS = ['证明材料不清晰', '与申报内容不符', '超出年度', '缺少证明材料', '未在人社部门备案', '学时填写有误']

/** 已审 n / total · 预计还需 …, from the pace so far. */
export function progressText(decided: number, total: number, elapsedMs: number): string {
  const left = Math.max(total - decided, 0)
  if (!decided || !left) return `已审 ${decided} / ${total}`
  const minutes = Math.ceil((elapsedMs / decided) * left / 60000)
  const rest = minutes >= 60 ? `${Math.floor(minutes / 60)}小时${minutes % 60}分钟` : `${minutes}分钟`
  return `已审 ${decided} / ${total} · 预计还需 ${rest}`
}

/** Indexes to load ahead of and just behind `at`, nearest first. */
export function aheadOf(at: number, count: number, ahead = 3): number[] {
  const out = [at]
  for (let i = 1; i <= ahead; i++) if (at + i < count) out.push(at + i)
  if (at > 0) out.push(at - 1)
  return out
}
