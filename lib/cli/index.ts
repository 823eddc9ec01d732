export { defineConfig, type EventfoldConfig } from './define-config';
