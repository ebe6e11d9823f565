/**
 * The web client's build: `vite build --config client/vite.config.ts` writes client/dist,
 * which `arena serve` serves. Each page is its own chunk, so a participant's phone loads
 * the seat page without the charts of the projector or the QR codes of the console.
 * Each mechanism's board, watch view and console preset come from its own folder
 * (`mechanisms/<id>/ui/`, and the folders of ARENA_MECHANISMS_PATH) through the
 * client registry of mechanism-ui.ts; a board or watch view is a chunk of its own.
 */
import { defineConfig } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { mechanismUi } from './mechanism-ui.ts';

export default defineConfig({
  root: import.meta.dirname,
  plugins: [svelte(), mechanismUi()],
  build: { outDir: 'dist', emptyOutDir: true, target: 'es2022', reportCompressedSize: false, chunkSizeWarningLimit: 400 },
  server: {
    // `npm run dev:client` against a server on the default port.
    proxy: { '/api': 'http://127.0.0.1:2567', '/matchmake': 'http://127.0.0.1:2567', '/socket.io': { target: 'http://127.0.0.1:2567', ws: true } },
  },
});
