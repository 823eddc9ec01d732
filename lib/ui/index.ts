export { eventBrowser, type EventBrowser } from './event-browser';
export type { EventBrowserOptions } from './browser-options';
export { serveEventBrowser, type RunningEventBrowser, type ServeEventBrowserOptions } from './serve-event-browser';
export { BrowserListenError } from './ui-errors';
