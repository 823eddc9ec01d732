export { EventStore } from './event-store';
