import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The renderer bundle, shared by the Electron shell (loaded from pli://app) and the web shell.
export default defineConfig({
  root: 'src/renderer',
  base: './',
  plugins: [react()],
  build: {
    outDir: '../../dist/renderer',
    emptyOutDir: true,
    sourcemap: false,
    target: 'chrome130',
  },
});
