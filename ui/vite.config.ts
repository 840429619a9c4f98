import { defineConfig } from 'vitest/config'
import vue from '@vitejs/plugin-vue'
import Components from 'unplugin-vue-components/vite'
import { ElementPlusResolver } from 'unplugin-vue-components/resolvers'

export default defineConfig({
  plugins: [
    vue(),
    // Only the Element Plus components a screen uses (and their styles) go into its chunk: the
    // whole library in the first script cost the window about a second before it painted.
    Components({ resolvers: [ElementPlusResolver({ importStyle: 'css' })], dts: false }),
  ],
  // Tauri serves the built files itself; relative paths keep them working under its protocol.
  base: './',
  build: { outDir: 'dist', emptyOutDir: true, chunkSizeWarningLimit: 3000, target: 'safari15' },
  test: { include: ['src/**/*.test.ts'] },
})
