/**
 * The web client's build: `vite build --config client/vite.config.ts` writes client/dist,
 * which `arena serve` serves. Each page is its own chunk, so a participant's phone loads
 * the seat page without the charts of the projector or the QR codes of the console.
 */
import { defineConfig } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';

export default defineConfig({
  root: import.meta.dirname,
  plugins: [svelte()],
  build: { outDir: 'dist', emptyOutDir: true, target: 'es2022', reportCompressedSize: false, chunkSizeWarningLimit: 400 },
  server: {
    // `npm run dev:client` against a server on the default port.
    proxy: { '/api': 'http://127.0.0.1:2567', '/matchmake': 'http://127.0.0.1:2567', '/socket.io': { target: 'http://127.0.0.1:2567', ws: true } },
  },
});
