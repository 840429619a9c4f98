import { h, type FunctionalComponent } from 'vue'
import 'element-plus/es/components/tag/style/css'
import 'element-plus/es/components/button/style/css'
import 'element-plus/es/components/checkbox/style/css'

type TagType = 'primary' | 'success' | 'info' | 'warning' | 'danger'

/**
 * El-tag's look without its component: a table cell's tag is drawn 50–200 times a page, and
 * ElTag's instance and enter transition each time made the big lists slow to build (issue 14).
 */
export const LiteTag: FunctionalComponent<{ type?: TagType; size?: 'small' }> = (props, { slots }) =>
  h(
    'span',
    { class: ['el-tag', 'el-tag--light', `el-tag--${props.type ?? 'primary'}`, props.size === 'small' ? 'el-tag--small' : ''] },
    h('span', { class: 'el-tag__content' }, slots.default?.()),
  )
LiteTag.props = ['type', 'size']

/**
 * A link-style el-button without its component, for the buttons in every row of a big list (the
 * roster's three per row were 60 button instances to build on a first visit).
 */
export const LiteLink: FunctionalComponent<{ type?: TagType }, { click: (e: MouseEvent) => void }> = (props, { slots, emit }) =>
  h(
    'button',
    { type: 'button', class: ['el-button', 'is-link', `el-button--${props.type ?? 'primary'}`], onClick: (e: MouseEvent) => emit('click', e) },
    h('span', slots.default?.()),
  )
LiteLink.props = ['type']
LiteLink.emits = ['click']

/** El-checkbox's look without its component, for a table's tick column (a header and every row). */
export const LiteCheck: FunctionalComponent<
  { checked: boolean; indeterminate?: boolean; disabled?: boolean },
  { change: (checked: boolean) => void }
> = (props, { emit }) =>
  h('label', { class: 'el-checkbox' }, [
    h('span', { class: ['el-checkbox__input', { 'is-checked': props.checked, 'is-indeterminate': props.indeterminate }] }, [
      h('input', {
        type: 'checkbox', class: 'el-checkbox__original', checked: props.checked, disabled: props.disabled,
        onChange: (e: Event) => emit('change', (e.target as HTMLInputElement).checked),
      }),
      h('span', { class: 'el-checkbox__inner' }),
    ]),
  ])
LiteCheck.props = ['checked', 'indeterminate', 'disabled']
LiteCheck.emits = ['change']
