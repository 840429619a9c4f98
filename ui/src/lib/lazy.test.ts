import { describe, expect, it } from 'vitest'
import { nextTick, ref } from 'vue'
import { everTrue } from './lazy'

describe('everTrue', () => {
  it('turns true with its condition and stays true when the condition goes back', async () => {
    const person = ref<number | null>(null)
    const opened = everTrue(() => person.value !== null)
    expect(opened.value).toBe(false)
    person.value = 7
    await nextTick()
    expect(opened.value).toBe(true)
    person.value = null
    await nextTick()
    expect(opened.value).toBe(true)
  })

  it('is true from the start when the condition already holds', () => {
    expect(everTrue(() => true).value).toBe(true)
  })
})
