import { ref, watch, type Ref } from 'vue'

/**
 * Becomes true the first time `condition` holds and stays true: a drawer is built when it is
 * first opened, not with the screen (a closed drawer's component still cost the roster's first
 * visit its build), and then kept so it closes with its animation.
 */
export function everTrue(condition: () => boolean): Ref<boolean> {
  const seen = ref(condition())
  const stop = watch(condition, (now) => {
    if (!now) return
    seen.value = true
    stop()
  })
  return seen
}
