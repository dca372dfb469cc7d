// Vite configuration of the companion app.
//
// The hub serves web/dist at `/` and answers /api itself; during development
// (`npm run dev`) and `vite preview` the API is proxied to a hub on
// LOCKWARDEN_HUB (default http://127.0.0.1:8080).
import { defineConfig } from 'vite';

const hub = process.env.LOCKWARDEN_HUB ?? 'http://127.0.0.1:8080';
const proxy = {
  '/api': { target: hub, changeOrigin: false },
};

export default defineConfig({
  base: '/',
  build: { outDir: 'dist', target: 'es2020', sourcemap: false },
  server: { proxy },
  preview: { proxy },
});
