import vue from '@vitejs/plugin-vue';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const root = dirname(fileURLToPath(import.meta.url));

/**
 * The web dashboard: `npm run build:dashboard` writes it to dist/dashboard, which the API serves at `/`.
 * `npx vite --config apps/dashboard/vite.config.mts` serves it with hot reload, sending /api to an API on :3000.
 */
export default defineConfig({
  root,
  base: '/',
  plugins: [vue()],
  define: {
    // vue-i18n: the Composition API only, no devtools hooks in the build.
    __VUE_I18N_FULL_INSTALL__: 'true',
    __VUE_I18N_LEGACY_API__: 'false',
    __INTLIFY_PROD_DEVTOOLS__: 'false',
  },
  build: {
    outDir: resolve(root, '../../dist/dashboard'),
    emptyOutDir: true,
    // ECharts is most of the bundle, and one file served from the same host is fine.
    chunkSizeWarningLimit: 1500,
  },
  server: { proxy: { '/api': process.env.TONGXIN_API_URL ?? 'http://localhost:3000' } },
});
