import { defineConfig } from 'vitest/config'
import vue from '@vitejs/plugin-vue'

export default defineConfig({
  plugins: [vue()],
  // Tauri serves the built files itself; relative paths keep them working under its protocol.
  base: './',
  build: { outDir: 'dist', emptyOutDir: true, chunkSizeWarningLimit: 3000, target: 'safari15' },
  test: { include: ['src/**/*.test.ts'] },
})
